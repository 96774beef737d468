/**
 * The benchmark's only output to the terminal, and a plain Markdown table formatter.
 * @module
 */

/** Writes one line to stdout (benchmarks are not the server; stdout is ours here). */
export function print(line = ""): void {
  // deno-lint-ignore no-console
  console.log(line);
}

/** A Markdown table with padded columns; cells after the first are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${
      widths.map((w, c) => c === 0 ? (cells[c] ?? "").padEnd(w) : (cells[c] ?? "").padStart(w))
        .join(" | ")
    } |`;
  const rule = `|${
    widths.map((w, c) => c === 0 ? `-${"-".repeat(w)}-` : `-${"-".repeat(w)}:`).join("|")
  }|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** A ratio such as `1.42×`. */
export function times(value: number): string {
  return `${value.toFixed(2)}×`;
}
