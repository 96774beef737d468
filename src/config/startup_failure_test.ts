import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import { isBindError, listenFailure, pathFailure, startupFailure } from "./startup_failure.ts";

const HTTP = {
  host: "127.0.0.1",
  port: 8080,
  hostSetting: "--host (HTTP_HOST)",
  portSetting: "--port (HTTP_PORT)",
};

Deno.test("listenFailure brackets an IPv6 host once, given bare or bracketed", () => {
  const taken = new Deno.errors.AddrInUse("Address already in use");
  for (const host of ["::1", "[::1]"]) {
    assert.match(
      listenFailure(taken, { ...HTTP, host }).message,
      /^Cannot listen on "\[::1\]:8080"/,
    );
  }
});

Deno.test("listenFailure blames the port for a taken port and the host otherwise", () => {
  const taken = listenFailure(new Deno.errors.AddrInUse("Address already in use"), HTTP);
  assert.equal(taken.code, "CONFIG_INVALID");
  assert.equal(
    taken.message,
    'Cannot listen on "127.0.0.1:8080" (check --port (HTTP_PORT)): Address already in use',
  );
  const refused = listenFailure(
    new Deno.errors.NotCapable(
      'Requires net access to "10.1.2.3:8080", run again with the --allow-net flag',
    ),
    { ...HTTP, host: "10.1.2.3" },
  );
  // a compiled binary has no --allow-net to pass: drop Deno's advice
  assert.equal(
    refused.message,
    'Cannot listen on "10.1.2.3:8080" (check --host (HTTP_HOST)): ' +
      'Requires net access to "10.1.2.3:8080" (outside this program\'s permissions)',
  );
  assert.match(
    listenFailure(new URIError("invalid host"), { ...HTTP, host: "::" }).message,
    /"\[::\]:8080"/,
  );
});

Deno.test("startupFailure gives one line for configuration faults and nothing for bugs", () => {
  assert.equal(
    startupFailure(pathFailure(new Deno.errors.NotFound("gone"), "/x/a.jsonl", "--audit-log")),
    'Cannot use --audit-log "/x/a.jsonl": gone',
  );
  assert.equal(
    startupFailure(new Deno.errors.AddrInUse("Address already in use")),
    "Address already in use",
  );
  assert.match(
    startupFailure(new Deno.errors.NotCapable("Requires net access, run again with --allow-net"))!,
    /^Requires net access \(outside/,
  );
  assert.equal(startupFailure(new CodegenError("INTERNAL", "boom")), undefined);
  assert.equal(startupFailure(new TypeError("x is undefined")), undefined);
});

Deno.test("isBindError tells an unusable address from a bug", () => {
  assert.ok(isBindError(new Deno.errors.AddrInUse("in use")));
  assert.ok(isBindError(new Deno.errors.AddrNotAvailable("Cannot assign requested address")));
  assert.ok(isBindError(new Deno.errors.NotCapable("Requires net access")));
  assert.ok(isBindError(new URIError("invalid host 'bad host'")));
  assert.ok(
    isBindError(new Error("failed to lookup address information: Name or service not known")),
  );
  assert.ok(!isBindError(new TypeError("Cannot read properties of undefined")));
});
