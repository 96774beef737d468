/**
 * Starts `main.ts` as a user would (a real child process with the coordinator permission
 * set) and connects a real MCP SDK client to it over stdio.
 * @module
 */
import { Client, StdioClientTransport } from "./sdk_client.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A coordinator child process on stdio with a connected client. */
export interface StdioCoordinator extends AsyncDisposable {
  client: Client;
  workspaceRoot: string;
  auditLog: string;
  dir: string;
  /** The child's process id. */
  pid: number;
  /** The child's stderr so far (structured logs). */
  stderr(): string;
  close(): Promise<void>;
}

/** Options for {@link startStdioCoordinator}. */
export interface StdioCoordinatorOptions {
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** Extra command-line arguments after `serve`. */
  args?: string[];
  /** Permission flags; default the coordinator set from deno.json. */
  permissionFlags?: string[];
}

/** Spawns the coordinator over stdio in a fresh temp dir and connects a client. */
export async function startStdioCoordinator(
  options: StdioCoordinatorOptions = {},
): Promise<StdioCoordinator> {
  const dir = await Deno.makeTempDir({ prefix: "codegen-e2e-" });
  const workspaceRoot = `${dir}/workspaces`;
  const auditLog = `${dir}/audit/audit.jsonl`;
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: [
      "run",
      ...(options.permissionFlags ?? ["-P=coordinator", "--ignore-env"]),
      "--quiet",
      MAIN,
      "serve",
      ...(options.args ?? []),
    ],
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: dir,
      WORKSPACE_ROOT: workspaceRoot,
      AUDIT_LOG: auditLog,
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => {
    if (stderr.length < 1_000_000) stderr += new TextDecoder().decode(chunk);
  });
  const client = new Client({ name: "e2e", version: "1.0.0" });
  await client.connect(transport);
  const close = async () => {
    await client.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return {
    client,
    workspaceRoot,
    auditLog,
    dir,
    pid: transport.pid!,
    stderr: () => stderr,
    close,
    [Symbol.asyncDispose]: close,
  };
}
