/**
 * Strict validation of pip requirement specifiers (a PEP 508 subset): a name, optional
 * extras, optional version clauses and an optional environment marker. URLs, paths,
 * archives and anything pip could read as an option are refused, so a package list can
 * never smuggle options (`--index-url=...`) or local files into the pip command line.
 * @module
 */
import { CodegenError } from "../../core/mod.ts";
import { checkMarker } from "./_marker.ts";

/** Most packages one pkg.install call may name. */
export const MAX_PACKAGES = 50;
/** Longest requirement specifier accepted, in characters. */
export const MAX_REQUIREMENT_CHARS = 200;

/** A requirement that passed validation. */
export interface Requirement {
  /** The specifier exactly as given (trimmed); what pip receives. */
  spec: string;
  /** The project name as written. */
  name: string;
  /** The PEP 503 normalized name, used to match installed distributions. */
  normalized: string;
}

/** The verdict on one specifier. */
export type RequirementCheck = { ok: true; requirement: Requirement } | {
  ok: false;
  reason: string;
};

const NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const VERSION_CLAUSE = "\\s*(?:===|==|!=|~=|<=|>=|<|>)\\s*[A-Za-z0-9][A-Za-z0-9.*+!_-]*\\s*";
const VERSIONS = `${VERSION_CLAUSE}(?:,${VERSION_CLAUSE})*`;
const REQUIREMENT = new RegExp(
  `^(${NAME})\\s*(?:\\[\\s*(?:${NAME}\\s*(?:,\\s*${NAME}\\s*)*)?\\])?\\s*` +
    `(?:${VERSIONS}|\\(${VERSIONS}\\))?$`,
);
// pip treats a name ending like this as a local file to install.
const ARCHIVE = /\.(whl|zip|tar|tgz|tbz|txz|tlz|tar\.gz|tar\.bz2|tar\.xz|tar\.lz)$/i;
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** PEP 503 normalization: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Checks one specifier, e.g. `requests[socks]>=2.31,<3; python_version >= "3.8"`. */
export function checkRequirement(spec: string): RequirementCheck {
  if (typeof spec !== "string") return refuse("it is not a string");
  const trimmed = spec.trim();
  if (trimmed === "") return refuse("it is empty");
  if (trimmed.length > MAX_REQUIREMENT_CHARS) {
    return refuse(`it is longer than ${MAX_REQUIREMENT_CHARS} characters`);
  }
  if (CONTROL.test(trimmed)) return refuse("it contains a control character");
  if (trimmed.startsWith("-")) return refuse("options are not allowed");
  const semicolon = trimmed.indexOf(";");
  const head = (semicolon < 0 ? trimmed : trimmed.slice(0, semicolon)).trim();
  if (head.includes("@")) return refuse("direct URL references are not allowed");
  if (head.includes("/") || head.includes("\\")) return refuse("paths are not allowed");
  const match = REQUIREMENT.exec(head);
  if (!match) return refuse("it is not a valid requirement specifier");
  const name = match[1] as string;
  if (ARCHIVE.test(name)) return refuse("archive file names are not allowed");
  if (semicolon >= 0) {
    const marker = checkMarker(trimmed.slice(semicolon + 1));
    if (!marker.ok) return refuse(`bad environment marker: ${marker.reason}`);
  }
  return { ok: true, requirement: { spec: trimmed, name, normalized: normalizeName(name) } };
}

/**
 * Validates a whole package list, throwing INVALID_ARGUMENT that names the first bad
 * entry: `Cannot install "--index-url=x": options are not allowed`.
 */
export function parseRequirements(packages: readonly string[]): Requirement[] {
  if (!Array.isArray(packages) || packages.length === 0) {
    throw new CodegenError("INVALID_ARGUMENT", "Cannot install: packages is empty");
  }
  if (packages.length > MAX_PACKAGES) {
    throw new CodegenError(
      "INVALID_ARGUMENT",
      `Cannot install ${packages.length} packages: at most ${MAX_PACKAGES} per call`,
    );
  }
  return packages.map((spec) => {
    const check = checkRequirement(spec);
    if (!check.ok) {
      throw new CodegenError("INVALID_ARGUMENT", `Cannot install ${quote(spec)}: ${check.reason}`);
    }
    return check.requirement;
  });
}

function quote(value: unknown): string {
  const text = JSON.stringify(String(value));
  return text.length > 120 ? `${text.slice(0, 116)}..."` : text;
}

function refuse(reason: string): RequirementCheck {
  return { ok: false, reason };
}
