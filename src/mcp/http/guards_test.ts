import assert from "node:assert/strict";
import { allowedHostnames, createRequestGuard, normalizeHostname } from "./guards.ts";

const PORT = 8080;

function request(headers: Record<string, string>): Request {
  return new Request("http://127.0.0.1/mcp", { headers });
}

Deno.test("normalizeHostname drops the port, lower-cases, and brackets IPv6", () => {
  assert.equal(normalizeHostname("LocalHost:8080"), "localhost");
  assert.equal(normalizeHostname("[::1]:80"), "[::1]");
  assert.equal(normalizeHostname("::1"), "[::1]");
  assert.equal(normalizeHostname("127.0.0.1"), "127.0.0.1");
  assert.equal(normalizeHostname("evil@localhost"), undefined);
  assert.equal(normalizeHostname("localhost/x"), undefined);
  assert.equal(normalizeHostname(""), undefined);
});

Deno.test("allowedHostnames holds loopback, the allow-list and a non-loopback bound host", () => {
  assert.deepEqual(
    [...allowedHostnames(["MCP.example:443"], "10.0.0.5")].sort(),
    ["10.0.0.5", "127.0.0.1", "[::1]", "localhost", "mcp.example"],
  );
  assert.deepEqual([...allowedHostnames([], "0.0.0.0")].sort(), [
    "127.0.0.1",
    "[::1]",
    "localhost",
  ]);
  assert.deepEqual([...allowedHostnames([], "::")].sort(), ["127.0.0.1", "[::1]", "localhost"]);
});

Deno.test("the request guard refuses a foreign or missing Host with 403, saying how to allow it", async () => {
  const guard = createRequestGuard({ allowedHosts: [], boundHost: "127.0.0.1" });
  assert.equal(guard(request({ host: "localhost:8080" }), PORT), undefined);
  const refused = guard(request({ host: "evil.example" }), PORT);
  assert.equal(refused?.status, 403);
  assert.equal(
    refused && JSON.parse(await refused.text()).error.message,
    'Host "evil.example" is not allowed: use a loopback name, or start the server with ' +
      "--allowed-host NAME (MCP_ALLOWED_HOSTS)",
  );
  assert.equal(guard(request({ host: "localhost.evil.example" }), PORT)?.status, 403);
});

Deno.test("the request guard takes an HTTP/2 request's host from its URL, but not the one Deno.serve makes up", async () => {
  const guard = createRequestGuard({ allowedHosts: [], boundHost: "127.0.0.1" });
  // h2c has no Host header: Deno.serve puts :authority in the URL
  assert.equal(guard(new Request("http://127.0.0.1:8080/mcp"), PORT), undefined);
  assert.equal(guard(new Request("http://[::1]:8080/mcp"), PORT), undefined);
  const foreign = guard(new Request("http://evil.example:8080/mcp"), PORT);
  assert.equal(foreign?.status, 403);
  assert.match(foreign ? (await foreign.json()).error.message : "", /^Host "evil\.example:8080"/);
  // HTTP/1.x without Host: Deno.serve's URL names the listener, as if localhost
  const none = guard(new Request("http://localhost:8080/mcp"), PORT);
  assert.equal(none?.status, 403);
  assert.match(none ? (await none.json()).error.message : "", /^Host "" is not allowed/);
  const wide = createRequestGuard({ allowedHosts: ["10.0.0.5"], boundHost: "10.0.0.5" });
  assert.equal(wide(new Request("http://10.0.0.5:8080/mcp"), PORT)?.status, 403);
  assert.equal(wide(new Request("http://localhost:8080/mcp"), PORT), undefined);
});

Deno.test("the request guard checks the Origin host name only when Origin is present", () => {
  const guard = createRequestGuard({ allowedHosts: ["app.example"], boundHost: "127.0.0.1" });
  const host = "localhost";
  assert.equal(guard(request({ host, origin: "http://localhost:5173" }), PORT), undefined);
  assert.equal(guard(request({ host, origin: "https://app.example" }), PORT), undefined);
  assert.equal(guard(request({ host, origin: "https://evil.example" }), PORT)?.status, 403);
  assert.equal(guard(request({ host, origin: "null" }), PORT)?.status, 403);
  assert.equal(guard(request({ host, origin: "file://localhost" }), PORT)?.status, 403);
});

Deno.test("the request guard needs the exact bearer token when one is set", async () => {
  const guard = createRequestGuard({ allowedHosts: [], boundHost: "127.0.0.1", authToken: "t0k" });
  const host = "127.0.0.1";
  assert.equal(guard(request({ host, authorization: "Bearer t0k" }), PORT), undefined);
  assert.equal(guard(request({ host, authorization: "bearer t0k" }), PORT), undefined);
  for (const authorization of [undefined, "Bearer t0", "Bearer t0kk", "Basic t0k", "Bearer"]) {
    const headers: Record<string, string> = { host };
    if (authorization !== undefined) headers.authorization = authorization;
    const refused = guard(request(headers), PORT);
    assert.equal(refused?.status, 401, String(authorization));
    assert.match(refused?.headers.get("www-authenticate") ?? "", /^Bearer/);
    const body = await refused?.json();
    assert.equal(body.jsonrpc, "2.0");
    assert.match(
      body.error.message,
      /bearer token: send Authorization: Bearer <.*MCP_AUTH_TOKEN>$/,
    );
  }
});

Deno.test("the Host guard runs before the bearer check", () => {
  const guard = createRequestGuard({ allowedHosts: [], boundHost: "127.0.0.1", authToken: "t" });
  assert.equal(
    guard(request({ host: "evil.example", authorization: "Bearer t" }), PORT)?.status,
    403,
  );
});
