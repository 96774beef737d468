import assert from "node:assert/strict";
import { isLoopbackHost, normalizeHostname } from "./hostname.ts";

Deno.test("normalizeHostname refuses what no Host header can match: schemes and wildcards", () => {
  assert.equal(normalizeHostname("MCP.Example.com:443"), "mcp.example.com");
  assert.equal(normalizeHostname("https://mcp.example.com"), undefined);
  assert.equal(normalizeHostname("*.corp.example"), undefined);
});

Deno.test("isLoopbackHost is true only for addresses that stay on this machine", () => {
  for (
    const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]
  ) {
    assert.ok(isLoopbackHost(host), host);
  }
  for (
    const host of ["0.0.0.0", "::", "10.1.2.3", "mcp.example.com", "bad host", "::ffff:10.0.0.1"]
  ) {
    assert.ok(!isLoopbackHost(host), host);
  }
});
