import assert from "node:assert/strict";

const PROBE = new URL("./testdata/goaway_probe.ts", import.meta.url).pathname;

// Deno 2.9.4–2.9.6 abort in node:http2 when a channel or server closes gracefully after
// ~130+ streams; the pinned Deno may only be upgraded when this passes.
Deno.test("a channel closed after 250 calls and a graceful server shutdown with a client attached do not crash the process", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", PROBE, "250"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `probe exited ${code}:\n${new TextDecoder().decode(stderr)}`);
  // 14 = UNAVAILABLE: the server is gone and the client says so instead of hanging.
  assert.equal(out.trim(), "ok 250 failed 14");
});
