/** The last non-blank line of `text`, trimmed, at most `max` characters: the gist of an error. */
export function lastLine(text: string, max: number): string {
  return (text.trim().split("\n").at(-1)?.trim() ?? "").slice(0, max);
}
