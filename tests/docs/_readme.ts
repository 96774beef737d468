/**
 * Reads the README's tables and code blocks, so tests can hold the documentation and the
 * code to the same facts.
 * @module
 */

const README = new URL("../../README.md", import.meta.url);

/** The README's text. */
export function readme(): string {
  return Deno.readTextFileSync(README);
}

/** The text of the `## heading` section, up to the next `## `. */
export function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = text.indexOf("\n## ", start + heading.length + 4);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The cells of the first Markdown table in `text`, header and separator left out. */
export function firstTable(text: string): string[][] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("|"));
  if (start < 0) throw new Error("no table");
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    // `\|` is a pipe inside a cell
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replaceAll("\\|", "|")));
  }
  return rows;
}

/** The `code` spans of a cell or sentence, in order. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The body of the first fenced code block in `text`. */
export function firstCodeBlock(text: string): string {
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(text);
  if (!m) throw new Error("no code block");
  return m[1]!;
}

/** Splits on commas that are not inside `[...]` or `{...}`. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "[" || ch === "{") depth++;
    if (ch === "]" || ch === "}") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}
