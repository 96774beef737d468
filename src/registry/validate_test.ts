import assert from "node:assert/strict";
import { MAX_SESSIONS_PER_WORKER, validateRegistration } from "./mod.ts";
import { registration } from "./_testing.ts";

function refusal(overrides: Parameters<typeof registration>[2], maxSessions = 4): string {
  const check = validateRegistration(registration("w1", maxSessions, overrides));
  assert.ok(!check.ok, "expected a refusal");
  return check.reason;
}

Deno.test("validateRegistration() accepts a well-formed registration and de-duplicates lists", () => {
  const req = registration("worker-1.a", 8);
  req.capabilities.tools.push("fs.read");
  const check = validateRegistration(req);
  assert.ok(check.ok);
  assert.deepEqual(check.value.capabilities.tools, ["run.python", "fs.read"]);
  assert.notEqual(check.value.capabilities, req.capabilities);
});

Deno.test("validateRegistration() refuses empty or unsafe worker ids", () => {
  assert.match(refusal({ workerId: "" }), /^Invalid worker id "": expected/);
  assert.match(refusal({ workerId: "../etc" }), /^Invalid worker id "\.\.\/etc"/);
  assert.match(refusal({ workerId: "x".repeat(129) }), /^Invalid worker id/);
});

Deno.test("validateRegistration() refuses a missing fingerprint or a bad address", () => {
  assert.equal(refusal({ tokenFingerprint: "" }), "Missing token fingerprint");
  assert.equal(refusal({ address: "" }), "Missing worker address");
  assert.match(refusal({ address: "host name:1" }), /^Invalid worker address "host name:1"/);
  assert.match(refusal({ address: "h".repeat(300) }), /^Invalid worker address "h{80}…"/);
});

Deno.test("validateRegistration() requires maxSessions to be a bounded positive integer", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, MAX_SESSIONS_PER_WORKER + 1]) {
    assert.match(refusal({}, bad), /^Invalid maxSessions .*: expected an integer from 1 to 10000$/);
  }
  assert.ok(validateRegistration(registration("w1", MAX_SESSIONS_PER_WORKER)).ok);
  assert.ok(validateRegistration(registration("w1", 1)).ok);
});

Deno.test("validateRegistration() bounds capability lists and version", () => {
  const caps = (tools: string[]) => ({ capabilities: { tools, languages: [], maxSessions: 1 } });
  assert.match(refusal(caps(Array.from({ length: 65 }, (_, i) => `t${i}`))), /^Too many tools/);
  assert.equal(refusal(caps([""])), 'Invalid entry in tools: ""');
  assert.match(refusal({ version: "v".repeat(65) }), /^Invalid version/);
});
