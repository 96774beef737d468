/**
 * The last step of every launch before the command: close every file descriptor but stdin,
 * stdout and stderr, install the seccomp filter, then exec the command. A spawned process
 * inherits whatever descriptors its parent holds without close-on-exec, and so does
 * bubblewrap's command: the worker's own are marked, but not those the worker itself was
 * started with (by a shell, a service manager, an MCP client), which may be files, pipes or
 * sockets far outside the sandbox. The filter comes last so every launch step before it
 * (bubblewrap, the nested one under a root worker, prlimit, setpriv) runs unfiltered. With
 * `reportExit` the launcher forks after closing the descriptors: the child sets up and execs
 * the command, the parent waits and reports how it ended (exit_report.ts).
 * @module
 */
import { toHex } from "../../core/mod.ts";
import { WAIT_AND_REPORT } from "./exit_report.ts";
import type { HostLayout } from "./host_layout.ts";
import type { SeccompArch } from "./seccomp_table.ts";

/**
 * Python that closes every descriptor above 2, listed from `/proc/self/fd` (or `/dev/fd`),
 * whatever its number: one past RLIMIT_NOFILE is found too.
 */
export const CLOSE_INHERITED_FDS = `
for _dir in ("/proc/self/fd", "/dev/fd"):
    try:
        _fds = [int(n) for n in os.listdir(_dir)]
    except OSError:
        continue
    for _fd in _fds:
        if _fd > 2:
            try:
                os.close(_fd)
            except OSError:
                pass
    break
`;

/**
 * Python that makes the sandbox's processes (all inherit it) the first the kernel's OOM
 * killer picks: a session's runs together can use far more memory than one process's
 * RLIMIT_AS (many processes, many runs, tmpfs), and when the machine or container runs out
 * the killer should end a run, not the worker serving every session. Raising one's own
 * score needs no privilege; where it cannot be written the run goes on as before.
 */
export const OOM_FIRST = `
try:
    with open("/proc/self/oom_score_adj", "w") as _f:
        _f.write("1000")
except OSError:
    pass
`;

/** How the launcher says it could not install the filter (on stderr, then exit 126). */
export const SECCOMP_REFUSED = "Cannot install the sandbox's seccomp filter";

// The filter's numbers are the machine's: an interpreter of another ABI would be killed at
// its next call, so it is refused first. prctl's arguments are unsigned longs.
export const INSTALL_SECCOMP = `
def _seccomp(program, machine):
    if os.uname().machine != machine or sys.maxsize < 2 ** 32:
        raise OSError("the interpreter is not a 64-bit %s one" % machine)
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = (ctypes.c_int,) + (ctypes.c_ulong,) * 4
    filters = ctypes.create_string_buffer(program, len(program))
    fprog = (ctypes.c_ulong * 2)(len(program) // 8, ctypes.addressof(filters))
    # PR_SET_NO_NEW_PRIVS, then PR_SET_SECCOMP with SECCOMP_MODE_FILTER
    if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.addressof(fprog), 0, 0):
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
`;

/** A filter for the launcher to install: `struct sock_filter` bytes for `arch`. */
export interface LauncherFilter {
  program: Uint8Array;
  arch: SeccompArch;
}

/** Options for {@link launcherArgs}. */
export interface LauncherOptions {
  /** The seccomp filter to install; none without it. */
  filter?: LauncherFilter | undefined;
  /**
   * Run the command in a child and report how it ended (exit_report.ts): stdin must start
   * with the report's nonce. Default false.
   */
  reportExit?: boolean;
}

// Python ignores SIGPIPE and SIGXFSZ for itself, and an ignored signal stays ignored across
// exec: the command gets the default actions back, as Python's subprocess gives them.
function launcher({ filter, reportExit = false }: LauncherOptions): string {
  const lines = ["import os, signal, sys", OOM_FIRST, CLOSE_INHERITED_FDS];
  if (reportExit) lines.push(WAIT_AND_REPORT);
  lines.push("signal.signal(signal.SIGPIPE, signal.SIG_DFL)");
  lines.push("signal.signal(signal.SIGXFSZ, signal.SIG_DFL)");
  if (filter) {
    const hex = toHex(filter.program);
    // fail closed: never run the command without the filter it was meant to have
    lines.push(
      INSTALL_SECCOMP,
      "try:",
      `    _seccomp(bytes.fromhex("${hex}"), "${filter.arch}")`,
      "except BaseException as e:",
      `    os.write(2, ("${SECCOMP_REFUSED}: %s\\n" % e).encode())`,
      "    os._exit(126)",
    );
  }
  lines.push("os.execvp(sys.argv[1], sys.argv[1:])", "");
  return lines.join("\n");
}

/**
 * `python3 -I -S -c <launcher>`, to put right before the command's argv: the system
 * interpreter, isolated and without `site`, so nothing from the workspace or a venv runs
 * before the descriptors are closed and the filter is in place.
 */
export function launcherArgs(layout: HostLayout, options: LauncherOptions = {}): string[] {
  return [layout.tools.python3, "-I", "-S", "-c", launcher(options)];
}
