/**
 * A coordinator built in-process with a fake clock and a memory audit sink, and a real SDK
 * client connected over the SDK's linked in-memory transports: fast end-to-end tests.
 * @module
 */
import { type Coordinator, createCoordinator } from "../../src/app/mod.ts";
import { MemoryAuditSink } from "../../src/audit/mod.ts";
import { type Config, loadConfig } from "../../src/config/mod.ts";
import { FakeClock } from "../../src/core/mod.ts";
import { createMcpServer } from "../../src/mcp/mod.ts";
import { Client, InMemoryTransport } from "./sdk_client.ts";

/** An in-process coordinator for tests. */
export interface TestCoordinator extends AsyncDisposable {
  coordinator: Coordinator;
  config: Config;
  clock: FakeClock;
  audit: MemoryAuditSink;
  dir: string;
  /** Connects a new client (a new connection, hence a new session). */
  connect(principal?: string): Promise<{ client: Client; connectionId: string }>;
  close(): Promise<void>;
}

/**
 * Builds a coordinator on a temp workspace root; `env` adds configuration variables and
 * `makeAudit` may build the (memory) audit sink, e.g. one that can be made to fail.
 */
export async function startTestCoordinator(
  env: Record<string, string> = {},
  makeAudit: (clock: FakeClock) => MemoryAuditSink = (clock) => new MemoryAuditSink({ clock }),
): Promise<TestCoordinator> {
  const dir = await Deno.makeTempDir({ prefix: "codegen-test-" });
  const loaded = loadConfig([], {
    WORKSPACE_ROOT: `${dir}/ws`,
    AUDIT_LOG: `${dir}/audit.jsonl`,
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const clock = new FakeClock();
  const audit = makeAudit(clock);
  const coordinator = await createCoordinator(loaded.config, { clock, audit });
  const clients: Client[] = [];
  let n = 0;
  const close = async () => {
    for (const c of clients) await c.close();
    await coordinator.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return {
    coordinator,
    config: loaded.config,
    clock,
    audit,
    dir,
    async connect(principal = "test") {
      const connectionId = `conn-${++n}`;
      const server = createMcpServer(coordinator.deps, {
        sessionId: connectionId,
        principal,
        transport: "memory",
      });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const client = new Client({ name: "test", version: "1.0.0" });
      await client.connect(clientSide);
      clients.push(client);
      return { client, connectionId };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
