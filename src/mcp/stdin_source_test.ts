import assert from "node:assert/strict";

const DRAIN = new URL("./testdata/drain_stdin.ts", import.meta.url).pathname;

Deno.test("stdinSource reads a pipe to its end and leaves fd 0 open", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    // Deno lets only --allow-all read /proc/self/fd: a probe of our own, not the program
    args: ["run", "--allow-all", DRAIN],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("x".repeat(100_000)));
  await writer.close();
  const out = await child.output();
  const report = JSON.parse(new TextDecoder().decode(out.stdout)) as { bytes: number; fd0: string };
  assert.equal(report.bytes, 100_000);
  assert.match(report.fd0, /^pipe:/, "fd 0 is still the (drained) stdin pipe");
});
