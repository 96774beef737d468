/**
 * The last step of every launch before the command: close every file descriptor but stdin,
 * stdout and stderr. A spawned process inherits whatever descriptors its parent holds
 * without close-on-exec, and so does bubblewrap's command: the worker's own are marked, but
 * not those the worker itself was started with (by a shell, a service manager, an MCP
 * client), which may be files, pipes or sockets far outside the sandbox.
 * @module
 */
import type { HostLayout } from "./host_layout.ts";

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

// Python ignores SIGPIPE and SIGXFSZ for itself, and an ignored signal stays ignored across
// exec: the command gets the default actions back, as Python's subprocess gives them.
const CLOSER = `import os, signal, sys
${CLOSE_INHERITED_FDS}
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])
`;

/**
 * `python3 -I -S -c <closer>`, to put right before the command's argv: the system
 * interpreter, isolated and without `site`, so nothing from the workspace or a venv runs
 * before the descriptors are closed.
 */
export function closeFdsArgs(layout: HostLayout): string[] {
  return [layout.tools.python3, "-I", "-S", "-c", CLOSER];
}
