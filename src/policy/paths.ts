import { CodegenError } from "../core/mod.ts";

/** Longest path accepted by default, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096;
/** Longest single path segment, in UTF-8 bytes (the common file-system name limit). */
export const MAX_SEGMENT_BYTES = 255;
/** How much of an offending path an error message quotes. */
const QUOTE_CHARS = 200;

/** Options for {@link checkRelativePath}. */
export interface PathCheckOptions {
  /** Longest path accepted, in UTF-8 bytes. Default {@link MAX_PATH_BYTES}. */
  maxBytes?: number;
  /** Whether a path naming the workspace root itself (".") is accepted. Default true. */
  allowRoot?: boolean;
}

/** The verdict of {@link checkRelativePath}: the normalized path, or why it was refused. */
export type PathCheck =
  | { ok: true; normalized: string; segments: string[] }
  | { ok: false; reason: string };

const encoder = new TextEncoder();
// "C:" as a whole first segment, as in "C:/Users/x": a Windows path sent by mistake. Names
// like "c:notes.txt" are ordinary POSIX names that code in the workspace can create.
const DRIVE = /^[A-Za-z]:$/;
const RELATIVE = 'give it relative to the workspace root, as "src/main.py"';

/**
 * Checks a workspace-relative path without touching the filesystem and normalizes it:
 * `a/./b` → `a/b`, `a/../b` → `b`. Refuses empty, absolute and Windows-style paths,
 * backslashes, control characters, malformed Unicode, any `..` that would climb above the
 * root, and over-long paths or segments. The root itself normalizes to "." with no segments.
 */
export function checkRelativePath(path: string, options: PathCheckOptions = {}): PathCheck {
  const maxBytes = options.maxBytes ?? MAX_PATH_BYTES;
  // Arguments may arrive from JSON; a non-string must not reach the string methods below.
  if (typeof path !== "string") return refuse("path is not a string");
  if (path.length === 0) return refuse("path is empty");
  if (hasControlCharacter(path)) return refuse("path contains a control character");
  if (!path.isWellFormed()) return refuse("path is not valid Unicode");
  if (path.includes("\\")) return refuse("path contains a backslash: separate directories with /");
  // a client may pass back a path it saw inside the sandbox: say what is expected
  if (path.startsWith("/")) return refuse(`path is absolute: ${RELATIVE}`);
  // Cheap bound before encoding: a UTF-16 unit is at least one UTF-8 byte.
  if (path.length > maxBytes || encoder.encode(path).length > maxBytes) {
    return refuse(`path is longer than ${maxBytes} bytes`);
  }
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (segments.length === 0) return refuse("path leaves the workspace");
      segments.pop();
      continue;
    }
    if (encoder.encode(segment).length > MAX_SEGMENT_BYTES) {
      return refuse(`a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
    segments.push(segment);
  }
  // Checked after normalization so "./C:/x" cannot slip a drive prefix through.
  if (DRIVE.test(segments[0] ?? "")) return refuse(`path starts with a drive letter: ${RELATIVE}`);
  if (segments.length === 0 && options.allowRoot === false) {
    return refuse("path names the workspace root");
  }
  return { ok: true, normalized: segments.length === 0 ? "." : segments.join("/"), segments };
}

// C0 controls (NUL included) and DEL: never part of a name a client means to send.
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

function refuse(reason: string): PathCheck {
  return { ok: false, reason };
}

/** Quotes a user-supplied path for a message: JSON-escaped and cut to ~200 characters. */
export function quotePath(path: string): string {
  if (typeof path !== "string") return JSON.stringify(String(path));
  if (path.length <= QUOTE_CHARS) return JSON.stringify(path);
  return `${JSON.stringify(path.slice(0, QUOTE_CHARS)).slice(0, -1)}..."`;
}

/** The PATH_VIOLATION error for `path`: `Cannot use "<path>": <reason>`. */
export function pathViolation(path: string, reason: string): CodegenError {
  return new CodegenError("PATH_VIOLATION", `Cannot use ${quotePath(path)}: ${reason}`);
}

/** Checks `path` and returns its normalized form, or throws {@link pathViolation}. */
export function requireRelativePath(
  path: string,
  options: PathCheckOptions = {},
): { normalized: string; segments: string[] } {
  const check = checkRelativePath(path, options);
  if (!check.ok) throw pathViolation(path, check.reason);
  return { normalized: check.normalized, segments: check.segments };
}
