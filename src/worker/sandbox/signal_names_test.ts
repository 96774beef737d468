import assert from "node:assert/strict";
import { signalFromExitCode, signalName } from "./signal_names.ts";

Deno.test("signalFromExitCode() reads 128 + n as signal n, and nothing else as a signal", () => {
  assert.equal(signalFromExitCode(137), "SIGKILL");
  assert.equal(signalFromExitCode(152), "SIGXCPU");
  assert.equal(signalFromExitCode(153), "SIGXFSZ");
  assert.equal(signalFromExitCode(129), "SIGHUP");
  assert.equal(signalFromExitCode(159), "SIGSYS");
  for (const code of [0, 1, 127, 128, 160, 255]) assert.equal(signalFromExitCode(code), undefined);
});

Deno.test("signalName() names signals 1-31 and numbers the rest", () => {
  assert.equal(signalName(9), "SIGKILL");
  assert.equal(signalName(31), "SIGSYS");
  assert.equal(signalName(34), "SIG34");
});
