/**
 * Helpers for tests that drive the real sandbox (here and in ../python). Not part of the
 * folder's public surface.
 * @module
 */
import { bubblewrapAvailable } from "./probe.ts";
import type { InteractiveSandboxRunner, SandboxSpec } from "./runner.ts";
import { spawnProcess } from "./spawned_process.ts";

/** `ignore` for tests that need bubblewrap: skip without it, unless CI=true (then fail). */
export async function withoutBubblewrap(): Promise<boolean> {
  if (await bubblewrapAvailable()) return false;
  if (Deno.env.get("CI") === "true") return false;
  const note = "bubblewrap is not usable here: skipping sandbox tests (they fail under CI=true)\n";
  Deno.stderr.writeSync(new TextEncoder().encode(note));
  return true;
}

/** A sandbox spec running `python3 -c code` in `workspace` under modest test limits. */
export function pythonSpec(
  workspace: string,
  code: string,
  extra: Partial<SandboxSpec> = {},
): SandboxSpec {
  return {
    argv: ["python3", "-c", code],
    workspace,
    env: { PATH: "/usr/bin:/bin", HOME: "/tmp", LANG: "C.UTF-8" },
    limits: { cpuSeconds: 10, memoryBytes: 512 << 20, maxProcesses: 16, maxFileBytes: 1 << 20 },
    timeoutMs: 10_000,
    outputLimitBytes: 4096,
    ...extra,
  };
}

/** Runs `fn` with a fresh temporary workspace, removed afterwards. */
export async function withWorkspace(fn: (ws: string) => Promise<void>): Promise<void> {
  const ws = await Deno.makeTempDir({ prefix: "codegen-sbx-" });
  try {
    await fn(ws);
  } finally {
    await Deno.remove(ws, { recursive: true });
  }
}

/** Host pids of processes whose name (`/proc/<pid>/comm`) is `name`. */
export function pidsNamed(name: string): Promise<number[]> {
  return scanProc("if open(f'/proc/{p}/comm').read().strip() == sys.argv[1]: print(p)", name);
}

/** Host pids of processes with `text` in one of their arguments (`/proc/<pid>/cmdline`). */
export function pidsWithArgument(text: string): Promise<number[]> {
  return scanProc(
    "args = open(f'/proc/{p}/cmdline', 'rb').read().decode(errors='replace').split('\\0')\n" +
      "    if any(sys.argv[1] in a for a in args) and int(p) != os.getpid(): print(p)",
    text,
  );
}

// Runs `test` (Python, indented for the loop, with `p` a pid and sys.argv[1] = `arg`) for
// every process. Deno reads /proc only with every permission; a short python scan needs
// just --allow-run.
async function scanProc(test: string, arg: string): Promise<number[]> {
  const scan = "import os, sys\n" +
    "for p in filter(str.isdigit, os.listdir('/proc')):\n" +
    `  try:\n    ${test}\n` +
    "  except OSError: pass\n";
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", scan, arg],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const found = new TextDecoder().decode(out.stdout).trim();
  return found === "" ? [] : found.split("\n").map(Number);
}

/**
 * A runner whose every sandbox fails before running anything, as bubblewrap does when it
 * cannot make its namespaces: `message` on stderr, then exit code 1.
 */
export function failingLauncher(message: string): InteractiveSandboxRunner {
  const start = () =>
    Promise.resolve(spawnProcess({
      program: "/bin/sh",
      args: ["-c", 'printf "%s\\n" "$1" >&2; exit 1', "sh", message],
      env: {},
    }));
  return {
    kind: "bubblewrap",
    start,
    run: () => Promise.reject(new Error("failingLauncher only starts processes")),
    sandboxUid: () => undefined,
    ensureOwnership: () => Promise.resolve(),
  };
}
