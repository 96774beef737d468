/**
 * A small Dockerfile reader for the deployment tests: instructions with continuations
 * joined and comments dropped, grouped into build stages.
 * @module
 */
import { REPO_ROOT } from "./_manifests.ts";

/** One instruction: its upper-cased keyword and the rest of the line. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** One build stage: its base image, its alias, and its instructions after FROM. */
export interface Stage {
  image: string;
  alias?: string | undefined;
  instructions: Instruction[];
}

/** Splits Dockerfile text into instructions (continuations joined, comments dropped). */
export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    // comment lines are dropped, even in the middle of a continued instruction
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (full === "") continue;
    const match = /^(\S+)\s*(.*)$/s.exec(full)!;
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }
  if (pending.trim() !== "") throw new Error("Dockerfile ends inside a continued line");
  return instructions;
}

/** Groups instructions into stages, one per FROM. */
export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const asIndex = words.findIndex((w) => w.toLowerCase() === "as");
      stages.push({
        image: words[0]!,
        alias: asIndex === -1 ? undefined : words[asIndex + 1],
        instructions: [],
      });
    } else {
      const current = stages.at(-1);
      if (current === undefined) {
        if (instruction.keyword === "ARG") continue;
        throw new Error(`${instruction.keyword} before the first FROM`);
      }
      current.instructions.push(instruction);
    }
  }
  return stages;
}

/** Reads and parses a Dockerfile at the repository root. */
export function readStages(name: string): Stage[] {
  return parseStages(Deno.readTextFileSync(new URL(name, REPO_ROOT)));
}

/** The instructions of `stage` with `keyword`. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The JSON array of an exec-form instruction argument, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) return undefined;
  return parsed;
}

/** Splits `--flag=value` options off the front of an instruction argument. */
export function splitOptions(args: string): { options: Map<string, string>; rest: string } {
  const options = new Map<string, string>();
  let rest = args;
  for (;;) {
    const match = /^--([\w-]+)(?:=(\S*))?\s+/.exec(rest);
    if (match === null) return { options, rest };
    options.set(match[1]!, match[2] ?? "");
    rest = rest.slice(match[0].length);
  }
}

/** Ports named by the EXPOSE instructions of `stage`. */
export function exposedPorts(stage: Stage): number[] {
  return instructionsOf(stage, "EXPOSE")
    .flatMap((i) => i.args.split(/\s+/))
    .map((p) => Number(p.replace(/\/(tcp|udp)$/, "")));
}

/** ENV names set in `stage` (`ENV A=1 B=2` and the legacy `ENV A 1`). */
export function envNames(stage: Stage): string[] {
  return instructionsOf(stage, "ENV").flatMap((i) => {
    const pairs = [...i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => m[1]!);
    return pairs.length > 0 ? pairs : [i.args.split(/\s+/)[0]!];
  });
}

/** A base image reference split up: `name[:tag][@digest]`. */
export interface ImageRef {
  name: string;
  tag?: string | undefined;
  digest?: string | undefined;
}

/** The digest form a pinned base image may carry (`@sha256:` and 64 lowercase hex digits). */
export const SHA256_DIGEST: RegExp = /^sha256:[0-9a-f]{64}$/;

/** Splits an image reference; a port in the registry host (`host:5000/x`) is not a tag. */
export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf("@");
  const named = at === -1 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(":");
  const hasTag = colon > named.lastIndexOf("/");
  return {
    name: hasTag ? named.slice(0, colon) : named,
    tag: hasTag ? named.slice(colon + 1) : undefined,
    digest: at === -1 ? undefined : image.slice(at + 1),
  };
}

/**
 * `name:tag` of an image pinned by tag, with or without a digest after it
 * (`denoland/deno:2.9.3@sha256:...` gives `denoland/deno:2.9.3`); throws on a digest
 * that is not `sha256:` and 64 hex digits.
 */
export function taggedName(image: string): string {
  const { name, tag, digest } = parseImageRef(image);
  if (digest !== undefined && !SHA256_DIGEST.test(digest)) {
    throw new Error(`"${image}": the digest is not sha256: and 64 hex digits`);
  }
  return tag === undefined ? name : `${name}:${tag}`;
}
