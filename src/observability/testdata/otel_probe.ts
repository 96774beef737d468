// Run with OTEL_DENO=true: makes a tool span, carries its traceparent across an
// extract, and prints what it saw as one JSON line.
import {
  currentTraceId,
  extractTraceparent,
  injectTraceparent,
  withRpcSpan,
  withToolSpan,
} from "../mod.ts";

const seen = await withToolSpan("echo", { sessionId: "probe-session" }, async () => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  const traceId = currentTraceId();
  const traceparent = injectTraceparent();
  return { traceId, traceparent };
});
const workerTraceId = await extractTraceparent(
  seen.traceparent,
  () => withRpcSpan("ExecuteTask", () => Promise.resolve(currentTraceId()), { side: "server" }),
);
Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify({ ...seen, workerTraceId }) + "\n"));
