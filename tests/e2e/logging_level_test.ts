import assert from "node:assert/strict";
import { startHttpCoordinator } from "../support/http_coordinator.ts";
import { skipWithout } from "../support/requirements.ts";
import { stdioMainCommand } from "../support/run_main.ts";
import {
  Client,
  LoggingMessageNotificationSchema,
  SSEClientTransport,
  StdioClientTransport,
  StreamableHTTPClientTransport,
} from "../support/sdk_client.ts";

// stdout is sent at info, stderr at warning
const CODE = "import sys\nprint('to-stdout')\nprint('to-stderr', file=sys.stderr)";

/**
 * The levels of the run output a client gets after `logging/setLevel` to each level in
 * turn. Each call's notifications are collected up to a sentinel printed by a call made
 * afterwards at level debug: notifications of one connection arrive in the order sent.
 */
async function levelsSeen(client: Client): Promise<Record<string, string[]>> {
  const seen: { level: string; data: string }[] = [];
  let wake: (() => void) | undefined;
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    seen.push({ level: n.params.level, data: String(n.params.data) });
    wake?.();
  });
  const out: Record<string, string[]> = {};
  for (const level of ["debug", "warning", "error"] as const) {
    await client.setLoggingLevel(level);
    await client.callTool({ name: "run.python", arguments: { code: CODE } });
    await client.setLoggingLevel("debug");
    const sentinel = `sentinel-${level}`;
    await client.callTool({ name: "run.python", arguments: { code: `print('${sentinel}')` } });
    for (let i = 0; i < 100 && !seen.some((s) => s.data.includes(sentinel)); i++) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    const batch = seen.splice(0);
    assert.ok(batch.some((s) => s.data.includes(sentinel)), `the sentinel after ${level} came`);
    out[level] = batch.filter((s) => !s.data.includes("sentinel")).map((s) => s.level).sort();
  }
  return out;
}

const EXPECTED = { debug: ["info", "warning"], warning: ["warning"], error: [] };

Deno.test({
  name: "logging/setLevel filters run output on every transport: stdio, Streamable HTTP, SSE",
  ignore: skipWithout("bwrap"),
  async fn() {
    await using http = await startHttpCoordinator();
    const dir = await Deno.makeTempDir({ prefix: "codegen-levels-" });
    const transports: [
      string,
      () => StdioClientTransport | StreamableHTTPClientTransport | SSEClientTransport,
    ][] = [
      ["stdio", () => new StdioClientTransport({ ...stdioMainCommand(dir), stderr: "ignore" })],
      ["streamable-http", () => new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`))],
      ["sse", () => new SSEClientTransport(new URL(`${http.url}/sse`))],
    ];
    try {
      for (const [name, make] of transports) {
        const client = new Client({ name: "levels", version: "1.0.0" });
        await client.connect(make());
        try {
          assert.deepEqual(await levelsSeen(client), EXPECTED, name);
        } finally {
          await client.close();
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
