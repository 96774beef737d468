import assert from "node:assert/strict";

const SCRIPT = new URL("./testdata/thread_stdout.ts", import.meta.url).pathname;

function spawn(...args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--unstable-worker-options", SCRIPT, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000), // a writer that hangs fails the test, not the suite
  }).spawn();
}

Deno.test("stdout thread: every byte reaches stdout, in order, across many ring-fulls", async () => {
  const lines = 600; // about 17 MB: the 1 MiB ring fills and drains many times
  const out = await spawn("lines", String(lines)).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const text = new TextDecoder().decode(out.stdout);
  const got = text.split("\n");
  assert.equal(got.pop(), "", "the output ends with a whole line");
  assert.equal(got.length, lines);
  got.forEach((line, i) => assert.equal(line, `${i} ${"x".repeat(i * 97)}`, `line ${i}`));
});

Deno.test("stdout thread: a reader that closes its end is reported as a broken pipe", async () => {
  const child = spawn("forever");
  const reader = child.stdout.getReader();
  await reader.read(); // it is writing
  await reader.cancel(); // and now nobody reads: the next write finds the pipe broken
  const stderr = await new Response(child.stderr).text();
  assert.equal((await child.status).code, 0, stderr);
  assert.match(stderr, /"error":"BrokenPipe"/);
});
