import assert from "node:assert/strict";
import { advertisedHost, joinHostPort, parseHostPort } from "./_address.ts";

Deno.test("listen addresses parse as host and port, IPv6 in brackets, port 0 allowed", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:0"), { host: "127.0.0.1", port: 0 });
  assert.deepEqual(parseHostPort("[::1]:50051"), { host: "::1", port: 50051 });
  assert.deepEqual(parseHostPort(":7000"), { host: "0.0.0.0", port: 7000 });
  for (const bad of ["127.0.0.1", "host:99999", "host:port", "::1:80"]) {
    assert.throws(() => parseHostPort(bad), { code: "CONFIG_INVALID" }, bad);
  }
});

Deno.test("addresses join back with IPv6 hosts in brackets", () => {
  assert.equal(joinHostPort("10.0.0.1", 5), "10.0.0.1:5");
  assert.equal(joinHostPort("::1", 5), "[::1]:5");
});

Deno.test("a wildcard listen address is advertised as the host name, others as given", () => {
  assert.equal(advertisedHost("10.1.2.3"), "10.1.2.3");
  assert.equal(advertisedHost("0.0.0.0"), Deno.hostname());
});
