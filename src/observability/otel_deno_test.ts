import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const PROJECT = fileURLToPath(new URL("../../", import.meta.url));
const PROBE = fileURLToPath(new URL("./testdata/otel_probe.ts", import.meta.url));

/** An OTLP/HTTP receiver on a free loopback port that keeps every request body. */
function startReceiver() {
  const requests: { path: string; body: Uint8Array }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    requests.push({
      path: new URL(req.url).pathname,
      body: new Uint8Array(await req.arrayBuffer()),
    });
    return new Response(null, { status: 200 });
  });
  return {
    requests,
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

Deno.test("with OTEL_DENO=true tool spans are exported over OTLP and the trace crosses an extract", async () => {
  await using receiver = startReceiver();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", PROBE],
    cwd: PROJECT,
    env: {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_SERVICE_NAME: "codegen-mcp-probe",
    },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const seen = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.match(seen.traceId, /^[0-9a-f]{32}$/);
  assert.match(seen.traceparent, new RegExp(`^00-${seen.traceId}-[0-9a-f]{16}-01$`));
  assert.equal(seen.workerTraceId, seen.traceId);

  const traces = receiver.requests.filter((r) => r.path === "/v1/traces");
  assert.ok(traces.length > 0, "no request reached /v1/traces");
  const body = new Uint8Array(traces.flatMap((r) => [...r.body]));
  const encode = (s: string) => new TextEncoder().encode(s);
  for (const text of ["tool echo", "rpc ExecuteTask", "probe-session", "codegen-mcp-probe"]) {
    assert.ok(contains(body, encode(text)), `"${text}" not exported`);
  }
  assert.ok(contains(body, hexBytes(seen.traceId)), "trace id not exported");
});
