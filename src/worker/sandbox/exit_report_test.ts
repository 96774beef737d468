import assert from "node:assert/strict";
import { ExitReport, NONCE_CHARS } from "./exit_report.ts";

const NONCE = "0123456789abcdef".repeat(NONCE_CHARS / 16);
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");

/** Feeds `stream` to a fresh report in chunks cut at `cuts`; returns the output and the exit. */
function filter(stream: string, cuts: number[]) {
  const report = new ExitReport(NONCE);
  const all = bytes(stream);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, all.length]) {
    // the filter must copy what it holds: the caller reuses its buffer
    const chunk = all.slice(from, cut);
    out.push(report.push(chunk).slice());
    chunk.fill(0);
    from = cut;
  }
  out.push(report.end());
  return { output: text(out), exit: report.exit };
}

Deno.test("ExitReport takes the report out of stderr wherever the chunks are cut", () => {
  const stream = `before\0${NONCE}:e137after`;
  for (let a = 0; a <= stream.length; a++) {
    for (const b of [a, a + 1, a + 7, stream.length]) {
      const { output, exit } = filter(stream, [a, Math.min(b, stream.length)]);
      assert.equal(output, "beforeafter", `cut at ${a} and ${b}`);
      assert.deepEqual(exit, { exitCode: 137 });
    }
  }
});

Deno.test("ExitReport reads a death by a signal as 128 + n with the signal's name", () => {
  assert.deepEqual(filter(`\0${NONCE}:s009`, []).exit, { exitCode: 137, signal: "SIGKILL" });
  assert.deepEqual(filter(`\0${NONCE}:s024`, [3]).exit, { exitCode: 152, signal: "SIGXCPU" });
  assert.deepEqual(filter(`\0${NONCE}:e000`, []).exit, { exitCode: 0 });
});

Deno.test("ExitReport passes on output that only looks like a report, byte for byte", () => {
  const other = "f".repeat(NONCE_CHARS);
  for (
    const stream of [
      `\0${other}:e137`, // another nonce: a forgery
      `x\0${NONCE.slice(0, 9)}`, // the start of the tag at the very end
      `\0${NONCE}:e1`, // a cut-off report is not one
      "\0\0\0 plain NUL bytes",
    ]
  ) {
    for (const cut of [0, 1, 5, stream.length]) {
      const { output, exit } = filter(stream, [cut]);
      assert.equal(output, stream);
      assert.equal(exit, undefined);
    }
  }
});

Deno.test("ExitReport takes only the first report: output after it passes as it is", () => {
  const stream = `a\0${NONCE}:e001b\0${NONCE}:e002`;
  const { output, exit } = filter(stream, [10]);
  assert.equal(output, `ab\0${NONCE}:e002`);
  assert.deepEqual(exit, { exitCode: 1 });
});

Deno.test("ExitReport's stdin prefix is its nonce, and each report gets a new one", () => {
  assert.deepEqual(new ExitReport(NONCE).prefix, bytes(NONCE));
  const [a, b] = [new ExitReport(), new ExitReport()];
  assert.equal(a.prefix.length, NONCE_CHARS);
  assert.notDeepEqual(a.prefix, b.prefix);
});
