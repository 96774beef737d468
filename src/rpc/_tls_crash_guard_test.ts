import assert from "node:assert/strict";
import { isTlsInitReadFault } from "./_tls_crash_guard.ts";

Deno.test("isTlsInitReadFault() knows only a TypeError thrown by initRead in the TLS wrapper", () => {
  const fault = (top: string) => {
    const e = new TypeError("Cannot read properties of null (reading 'receive')");
    e.stack =
      `TypeError: x\n    at ${top}\n    at processTicksAndRejections (ext:core/01_core.js:1:1)`;
    return e;
  };
  assert.ok(isTlsInitReadFault(fault("initRead (ext:deno_node/_tls_wrap.js:1:7636)")));
  assert.ok(!isTlsInitReadFault(fault("initRead (file:///app/mine.ts:1:1)")));
  assert.ok(!isTlsInitReadFault(fault("onread (ext:deno_node/_tls_wrap.js:1:1)")));
  const notType = new Error("x");
  notType.stack = "Error: x\n    at initRead (ext:deno_node/_tls_wrap.js:1:7636)";
  assert.ok(!isTlsInitReadFault(notType));
  assert.ok(!isTlsInitReadFault("initRead _tls_wrap."));
});

Deno.test("the guard keeps the process alive through that fault, and only that one", async () => {
  const child = new URL("./testdata/tls_guard_child.ts", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", child.pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(out, "alive\n", err);
  assert.notEqual(code, 0);
  // the first fault was swallowed; the second, any other error, still ended the process
  assert.match(err, /Uncaught TypeError: another fault/);
  assert.doesNotMatch(err, /reading 'receive'/);
});
