import assert from "node:assert/strict";
import {
  bearerTokenValue,
  durationValue,
  hostNameValue,
  MAX_DURATION_MS,
  secondsValue,
  SettingError,
  textValue,
  urlValue,
} from "./parse_values.ts";

function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof SettingError, String(err));
    return err.message;
  }
  assert.fail("expected a SettingError");
}

Deno.test("durationValue accepts up to a timer's limit and refuses longer, naming the setting", () => {
  assert.equal(durationValue({ text: "24d", source: "CLEANUP_INTERVAL" }), 24 * 86_400_000);
  assert.equal(
    durationValue({ text: `${MAX_DURATION_MS}ms`, source: "CLEANUP_INTERVAL" }),
    2 ** 31 - 1,
  );
  // one millisecond more and setTimeout/setInterval would fire after 1 ms
  const message = errorOf(() =>
    durationValue({ text: `${MAX_DURATION_MS + 1}ms`, source: "CLEANUP_INTERVAL" })
  );
  assert.match(message, /^invalid CLEANUP_INTERVAL ".*": expected a duration of at most 24d/);
  assert.match(errorOf(() => durationValue({ text: "30d", source: "SESSION_MAX_AGE" })), /"30d"/);
});

Deno.test("secondsValue refuses a duration past a timer's limit, naming the setting", () => {
  assert.equal(secondsValue({ text: "10m", source: "RUN_TIMEOUT_MAX" }), 600);
  assert.match(
    errorOf(() => secondsValue({ text: "25d", source: "RUN_TIMEOUT_DEFAULT" })),
    /^invalid RUN_TIMEOUT_DEFAULT "25d": expected a duration of at most 24d/,
  );
});

Deno.test("textValue refuses an empty or blank value, naming the flag", () => {
  assert.equal(textValue({ text: "127.0.0.1", source: "--host" }), "127.0.0.1");
  assert.equal(
    errorOf(() => textValue({ text: "", source: "--host" })),
    'invalid --host "": expected a non-empty value',
  );
  assert.match(errorOf(() => textValue({ text: " ", source: "--worker-id" })), /--worker-id/);
});

Deno.test("hostNameValue accepts what the HTTP guard can match and refuses URLs and wildcards", () => {
  assert.equal(
    hostNameValue({ text: " mcp.example.com:443 ", source: "--allowed-host" }),
    "mcp.example.com:443",
  );
  assert.equal(hostNameValue({ text: "::1", source: "--allowed-host" }), "::1");
  for (const text of ["https://mcp.example.com", "*.corp.example", "a b", "host/path"]) {
    assert.match(
      errorOf(() => hostNameValue({ text, source: "MCP_ALLOWED_HOSTS" })),
      new RegExp(`^invalid MCP_ALLOWED_HOSTS "${text.replace(/[.*]/g, "\\$&")}": expected a host`),
    );
  }
});

Deno.test("bearerTokenValue accepts RFC 6750 token68 and refuses spaces without printing the token", () => {
  assert.equal(
    bearerTokenValue({ text: "a-Z0._~+/9==", source: "MCP_AUTH_TOKEN" }),
    "a-Z0._~+/9==",
  );
  for (const text of ["s3cret value", "s3cret\n", " s3cret", "s3cret=x", "s3cr\u00e9t"]) {
    const message = errorOf(() => bearerTokenValue({ text, source: "MCP_AUTH_TOKEN" }));
    assert.match(message, /^invalid MCP_AUTH_TOKEN: expected/);
    assert.ok(!message.includes("s3cr"), "the secret is not in the message");
  }
});

Deno.test("urlValue names the schemes it accepts", () => {
  assert.equal(
    errorOf(() =>
      urlValue({ text: "ftp://x", source: "PIP_INDEX_URL" }, ["http", "https", "file"])
    ),
    'invalid PIP_INDEX_URL "ftp://x": expected an absolute http, https or file URL',
  );
  assert.equal(
    errorOf(() => urlValue({ text: "/x", source: "--redis-url" }, ["redis", "rediss"])),
    'invalid --redis-url "/x": expected an absolute redis or rediss URL',
  );
  assert.equal(
    urlValue({ text: "https://pypi.example/simple", source: "X" }, ["https"]),
    "https://pypi.example/simple",
  );
});

Deno.test("urlValue never shows a credential of a URL it refuses", () => {
  const cases: [string, string][] = [
    // a generated password with # and / in it, interpolated into REDIS_URL
    ["redis://:p#w/d@codegen-redis:6379/0", "redis://[redacted]@codegen-redis:6379/0"],
    ["https://user:hunter2@ex ample/simple", "https://[redacted]@ex ample/simple"],
    ["https://ex ample/simple?token=hunter2", "https://ex ample/simple?[redacted]"],
    ["redis//:hunter2@host", "[redacted]@host"],
  ];
  for (const [text, shown] of cases) {
    const source = "REDIS_URL";
    const message = errorOf(() => urlValue({ text, source }, ["redis", "https"]));
    assert.equal(message, `invalid REDIS_URL "${shown}": expected an absolute redis or https URL`);
    assert.ok(!message.includes("hunter2") && !message.includes("p#w"), message);
  }
});
