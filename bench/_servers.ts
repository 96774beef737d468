/**
 * Starts each server under test as a real child process on stdio and connects the same
 * MCP SDK client to it: our coordinator as `deno run -P=coordinator main.ts serve`, the
 * reference servers with Node.
 * @module
 */
import { Client, StdioClientTransport } from "../tests/support/sdk_client.ts";
import type { CallToolResult } from "../tests/support/sdk_client.ts";
import { referenceEntry, type ReferenceName } from "./_reference.ts";

const PROJECT_DIR = new URL("../", import.meta.url).pathname;

/** A connected server; `close` stops the child and removes its temp dir. */
export interface BenchServer extends AsyncDisposable {
  /** Calls a tool; throws when the result is an error, with the server's text. */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** A temp dir owned by this server's run (workspace root or allowed directory). */
  dir: string;
  /** CPU time (user + system) the server process has used so far; undefined off Linux. */
  cpuMs(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Our coordinator, spawned as a user runs it, with its workspace and audit log in a temp dir. */
export async function startCoordinator(
  options: {
    args?: string[];
    env?: Record<string, string>;
    /** Another checkout of this project to run instead (its `main.ts` and `deno.json`). */
    projectDir?: string;
  } = {},
): Promise<BenchServer> {
  const project = options.projectDir ?? PROJECT_DIR;
  const dir = await Deno.makeTempDir({ prefix: "codegen-bench-" });
  return await connect(dir, {
    command: Deno.execPath(),
    args: [
      "run",
      `--config=${project}deno.json`,
      "-P=coordinator",
      "--ignore-env",
      "--quiet",
      `${project}main.ts`,
      "serve",
      ...(options.args ?? []),
    ],
    env: {
      HOME: dir,
      WORKSPACE_ROOT: `${dir}/workspaces`,
      AUDIT_LOG: `${dir}/audit/audit.jsonl`,
      LOG_LEVEL: "warn",
      ...options.env,
    },
    cwd: project,
  });
}

/** A reference server run with Node; the filesystem server is allowed only its temp dir. */
export async function startReference(name: ReferenceName): Promise<BenchServer> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "codegen-bench-ref-" }));
  const args = name === "filesystem" ? [referenceEntry(name), dir] : [referenceEntry(name)];
  return await connect(dir, { command: "node", args, env: { HOME: dir } });
}

/** The error a failed call raised: a tool error result's text, or the thrown message. */
export class CallFailed extends Error {
  override name = "CallFailed";
}

async function connect(
  dir: string,
  spawn: { command: string; args: string[]; env: Record<string, string>; cwd?: string },
): Promise<BenchServer> {
  const transport = new StdioClientTransport({
    ...spawn,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...spawn.env },
    cwd: spawn.cwd ?? PROJECT_DIR,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => {
    stderr = (stderr + new TextDecoder().decode(chunk)).slice(-4_000);
  });
  const client = new Client({ name: "codegen-mcp-bench", version: "1.0.0" });
  try {
    await client.connect(transport);
  } catch (err) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new Error(`Cannot start "${spawn.command} ${spawn.args.join(" ")}": ${stderr}`, {
      cause: err,
    });
  }
  const close = async () => {
    await client.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const pid = transport.pid;
  return {
    dir,
    cpuMs: () => pid === null ? Promise.resolve(undefined) : processCpuMs(pid),
    async call(name, args) {
      const result = await client.callTool({ name, arguments: args }) as CallToolResult;
      if (result.isError) {
        const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
        throw new CallFailed(text || `${name} failed`);
      }
      return result;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

let ticksPerSecond: Promise<number> | undefined;

/**
 * Linux: utime + stime from `/proc/<pid>/stat`, read with `cat` because Deno allows `/proc`
 * reads only with full access. Resolution is one clock tick (usually 10 ms).
 */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  ticksPerSecond ??= output("getconf", ["CLK_TCK"]).then((t) => Number(t) || 100);
  const stat = await output("cat", [`/proc/${pid}/stat`]);
  // Fields after the parenthesised command name start at field 3 (state); utime is 14.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / await ticksPerSecond;
}

async function output(command: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
}
