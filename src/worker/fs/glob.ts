/**
 * Glob patterns for fs.list: `*` (any run within one segment), `**` (any run across
 * segments; `**\/` also matches no directory at all), `?` (one character but `/`),
 * `[abc]`, `[a-z]`, `[!abc]` / `[^abc]`, and `\` to take the next character literally.
 * A leading dot is not special.
 *
 * Matching simulates the pattern as a small automaton over the subject instead of
 * building a RegExp: file names are user-controlled and a RegExp with several `*` can
 * backtrack for exponential time, stalling the shared process. This runs in
 * O(pattern × subject).
 * @module
 */
import { CodegenError } from "../../core/mod.ts";

/** Longest pattern accepted, in characters. */
export const MAX_PATTERN_CHARS = 1024;

type Token =
  | { kind: "char"; char: string }
  | { kind: "one" }
  // ranges of code points: compared as strings, U+E000..U+FFFF sorted after astral ones
  | { kind: "set"; negate: boolean; items: Array<[number, number]> }
  | { kind: "star" }
  | { kind: "globstar" }
  | { kind: "fork"; to: number };

/** Compiles `pattern` to a predicate over `/`-separated paths. Throws INVALID_ARGUMENT. */
export function compileGlob(pattern: string): (subject: string) => boolean {
  if (pattern.length > MAX_PATTERN_CHARS) {
    throw new CodegenError(
      "INVALID_ARGUMENT",
      `Cannot use pattern: longer than ${MAX_PATTERN_CHARS} characters`,
    );
  }
  const tokens = tokenize(pattern);
  return (subject) => run(tokens, subject);
}

function tokenize(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "*" && chars[i + 1] === "*") {
      while (chars[i + 1] === "*") i++;
      if (chars[i + 1] === "/") {
        // "**/" = some directories, or none: the fork skips the globstar and its "/"
        const to = tokens.length + 3;
        tokens.push({ kind: "fork", to }, { kind: "globstar" }, { kind: "char", char: "/" });
        i++;
      } else {
        tokens.push({ kind: "globstar" });
      }
    } else if (c === "*") {
      tokens.push({ kind: "star" });
    } else if (c === "?") {
      tokens.push({ kind: "one" });
    } else if (c === "[") {
      const set = parseSet(chars, i);
      if (set === null) tokens.push({ kind: "char", char: c });
      else {
        tokens.push(set.token);
        i = set.end;
      }
    } else if (c === "\\" && i + 1 < chars.length) {
      tokens.push({ kind: "char", char: chars[++i]! });
    } else {
      tokens.push({ kind: "char", char: c });
    }
  }
  return tokens;
}

/** Parses `[...]` starting at `start`; null when unclosed (then "[" is literal). */
function parseSet(chars: string[], start: number): { token: Token; end: number } | null {
  let i = start + 1;
  const negate = chars[i] === "!" || chars[i] === "^";
  if (negate) i++;
  const items: Array<[number, number]> = [];
  const at = (k: number) => chars[k]!.codePointAt(0)!;
  for (let first = true; i < chars.length; i++, first = false) {
    const c = chars[i]!;
    if (c === "]" && !first) return { token: { kind: "set", negate, items }, end: i };
    if (chars[i + 1] === "-" && chars[i + 2] !== undefined && chars[i + 2] !== "]") {
      items.push([at(i), at(i + 2)]);
      i += 2;
    } else {
      items.push([at(i), at(i)]);
    }
  }
  return null;
}

function run(tokens: Token[], subject: string): boolean {
  const end = tokens.length;
  const start = new Uint8Array(end + 1);
  start[0] = 1;
  let states = closure(tokens, start);
  for (const ch of subject) {
    const next = new Uint8Array(end + 1);
    let any = false;
    for (let i = 0; i < end; i++) {
      if (!states[i]) continue;
      const token = tokens[i]!;
      const target = step(token, ch, i);
      if (target !== -1) {
        next[target] = 1;
        any = true;
      }
    }
    if (!any) return false;
    states = closure(tokens, next);
  }
  return states[end] === 1;
}

/** The state reached from token `i` by consuming `ch`, or -1. */
function step(token: Token, ch: string, i: number): number {
  switch (token.kind) {
    case "char":
      return token.char === ch ? i + 1 : -1;
    case "one":
      return ch === "/" ? -1 : i + 1;
    case "set": {
      if (ch === "/") return -1;
      const point = ch.codePointAt(0)!;
      const inSet = token.items.some(([lo, hi]) => point >= lo && point <= hi);
      return inSet !== token.negate ? i + 1 : -1;
    }
    case "star":
      return ch === "/" ? -1 : i;
    case "globstar":
      return i;
    case "fork":
      return -1;
  }
}

/** Adds the states reachable without consuming a character (stars matching nothing). */
function closure(tokens: Token[], states: Uint8Array): Uint8Array {
  for (let i = 0; i < tokens.length; i++) {
    if (!states[i]) continue;
    const token = tokens[i]!;
    if (token.kind === "star" || token.kind === "globstar") states[i + 1] = 1;
    if (token.kind === "fork") {
      states[i + 1] = 1;
      states[token.to] = 1;
    }
  }
  return states;
}
