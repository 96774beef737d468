import { getLogger } from "../../core/mod.ts";
import { MAX_OPEN_FILES, SANDBOX_WORKSPACE } from "./bwrap_args.ts";
import { CLOSE_INHERITED_FDS } from "./close_fds.ts";
import { collect, stdinBytes } from "./collect.ts";
import {
  cpuHardSeconds,
  type InteractiveSandboxRunner,
  type SandboxLaunchSpec,
  type SandboxProcess,
  type SandboxResult,
  type SandboxSpec,
} from "./runner.ts";
import { spawnProcess } from "./spawned_process.ts";

const log = getLogger("worker", "sandbox");

// Applies the rlimits, closes inherited descriptors, then becomes the command: the only
// isolation the opt-out keeps. It starts without PATH (see start): argv gives the command's
// PATH and the names of the variables it gets, as a python3 that is a version manager's
// shim adds variables of its own.
const LIMITER = `import os, resource, sys
try:
    import ctypes
    ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL: die with the worker
except Exception:
    pass
path, count = sys.argv[1], int(sys.argv[2])
names, rest = sys.argv[3:3 + count], sys.argv[3 + count:]
env = {name: os.environ[name] for name in names if name in os.environ}
if path:
    env["PATH"] = path
cpu, cpu_hard, mem, nproc, fsize = (int(v) for v in rest[:5])
for res, soft, hard in ((resource.RLIMIT_CPU, cpu, cpu_hard), (resource.RLIMIT_AS, mem, mem),
        (resource.RLIMIT_NPROC, nproc, nproc), (resource.RLIMIT_FSIZE, fsize, fsize),
        (resource.RLIMIT_NOFILE, ${MAX_OPEN_FILES}, ${MAX_OPEN_FILES}),
        (resource.RLIMIT_CORE, 0, 0)):
    try:
        resource.setrlimit(res, (soft, hard))
    except (ValueError, OSError):
        pass
${CLOSE_INHERITED_FDS}
os.execvpe(rest[5], rest[5:], env)
`;

/**
 * No isolation: a plain subprocess with a cleared environment, rlimits, a timeout and a
 * process-group kill. Sandbox paths (/workspace, mounts) are rewritten to host paths.
 * Only for the explicit `--insecure-no-sandbox` opt-out, and it says so on every run.
 */
export class InsecureRunner implements InteractiveSandboxRunner {
  readonly kind = "insecure" as const;

  constructor() {
    log.warn(
      "Python runs WITHOUT a sandbox (--insecure-no-sandbox): user code can read and write " +
        "anything this worker can, and use the network",
    );
  }

  sandboxUid(_workspace: string): number | undefined {
    return undefined;
  }

  ensureOwnership(_workspace: string, _extraDirs?: string[]): Promise<void> {
    return Promise.resolve();
  }

  start(spec: SandboxLaunchSpec): Promise<SandboxProcess> {
    log.warn("Running {program} without a sandbox", { program: spec.argv[0] ?? "" });
    const rewrite = pathRewriter(spec);
    const l = spec.limits;
    const cpuHard = cpuHardSeconds(l);
    const limits = [l.cpuSeconds, cpuHard, l.memoryBytes, l.maxProcesses, l.maxFileBytes].map(
      String,
    );
    const { PATH: path = "", ...env } = Object.fromEntries(
      Object.entries(spec.env).map(([k, v]) => [k, v.split(":").map(rewrite).join(":")]),
    );
    // Deno resolved the `run` grant "python3" against this process's PATH at start-up, and
    // resolves the program against the PATH given here, or its own when none is: so the
    // limiter gets none, starts on the granted python3, and hands the command its PATH.
    return Promise.resolve(spawnProcess({
      program: "python3",
      args: [
        ...["-c", LIMITER, path, String(Object.keys(env).length), ...Object.keys(env)],
        ...limits,
        ...spec.argv.map(rewrite),
      ],
      env,
      cwd: rewrite(spec.cwd ?? SANDBOX_WORKSPACE),
    }));
  }

  async run(spec: SandboxSpec): Promise<SandboxResult> {
    const proc = await this.start(spec);
    return await collect(proc, { ...spec, stdin: stdinBytes(spec.stdin) });
  }
}

/** Maps sandbox paths (`/workspace/x`, `/venv/bin/python3`) to their host paths. */
function pathRewriter(spec: SandboxLaunchSpec): (value: string) => string {
  const table = [
    { sandbox: SANDBOX_WORKSPACE, host: spec.workspace },
    ...(spec.mounts ?? []).map((m) => ({ sandbox: m.sandbox, host: m.host })),
  ];
  return (value) => {
    for (const { sandbox, host } of table) {
      if (value === sandbox) return host;
      if (value.startsWith(`${sandbox}/`)) return host + value.slice(sandbox.length);
    }
    return value;
  };
}
