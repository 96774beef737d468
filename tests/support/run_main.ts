/** Runs `main.ts` to completion as a user would and captures its output. */
import assert from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Exit code and output of one run. */
export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -P=coordinator main.ts ...args` with only `env` (plus PATH) set. */
export async function runMain(args: string[], env: Record<string, string> = {}): Promise<MainRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=coordinator", "--ignore-env", "--quiet", MAIN, ...args],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** `serve` over HTTP on free ports. */
export const SERVE_HTTP = ["serve", "--transport", "http", "--port", "0", "--grpc-port", "0"];

/**
 * Runs `main.ts` to its exit in a temp HOME (workspaces and audit log inside it) and
 * captures stderr; bounded at 30 s, in case a fault goes unnoticed and the server keeps
 * running.
 */
export async function runToExit(
  args: string[],
  env: Record<string, string> = {},
  flags = ["-P=coordinator", "--ignore-env"],
): Promise<{ code: number; stderr: string }> {
  const home = await Deno.makeTempDir({ prefix: "codegen-run-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, "--quiet", MAIN, ...args],
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        WORKSPACE_ROOT: `${home}/ws`,
        AUDIT_LOG: `${home}/audit/audit.jsonl`,
        ...env,
      },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

/**
 * How to start `main.ts serve` over stdio with its state under `dir` (workspaces in `dir/ws`,
 * the audit log at `dir/audit.jsonl` unless `env` says otherwise): for a spawn or an SDK
 * client transport.
 */
export function stdioMainCommand(
  dir: string,
  env: Record<string, string> = {},
): { command: string; args: string[]; env: Record<string, string> } {
  return {
    command: Deno.execPath(),
    args: ["run", "-P=coordinator", "--ignore-env", "--quiet", MAIN, "serve"],
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: dir,
      WORKSPACE_ROOT: `${dir}/ws`,
      AUDIT_LOG: `${dir}/audit.jsonl`,
      LOG_LEVEL: "error",
      ...env,
    },
  };
}

/**
 * Starts `main.ts serve` over stdio (see {@link stdioMainCommand}): stdin and stdout piped for
 * raw JSON-RPC, stderr dropped unless `stderr` says "piped".
 */
export function spawnStdioMain(
  dir: string,
  env: Record<string, string> = {},
  stderr: "null" | "piped" = "null",
): Deno.ChildProcess {
  const { command, ...how } = stdioMainCommand(dir, env);
  return new Deno.Command(command, {
    ...how,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr,
  }).spawn();
}

/** Ends a child started by {@link spawnStdioMain} (if it still runs) and removes its `dir`. */
export async function stopStdioMain(child: Deno.ChildProcess, dir: string): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch { /* already gone */ }
  await child.status;
  await Deno.remove(dir, { recursive: true });
}

/** Exit 2 and, besides structured log lines, exactly one line: `codegen-mcp: ...`. */
export function assertConfigError(r: { code: number; stderr: string }, pattern: RegExp): void {
  const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("{"));
  assert.equal(r.code, 2, r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^codegen-mcp: /);
  assert.match(lines[0]!, pattern);
}
