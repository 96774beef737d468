/**
 * The stateful kernel's bound on the CPU time of everything its interpreter starts.
 * @module
 */
import { PROCESS_TREE } from "./_process_tree.ts";

/**
 * RLIMIT_CPU counts per process and a new process starts at zero, so the interpreter's hard
 * limit alone does not bound what a call leaves running: a process that forks and exits
 * before its limit, over and over, could use CPU for as long as the session lasts. The
 * supervisor is the subreaper of every orphan below it and, about once a second, adds up
 * the CPU time of every process below it (from /proc, with what each has reaped) and of
 * those it reaped itself. Over the interpreter's hard limit twice in a row (a process being
 * reaped can be counted twice for a moment), it kills them all, the interpreter too.
 *
 * The processes are found by their parent links (see PROCESS_TREE). CPU a process's children used is lost to the count if it ignores SIGCHLD (the kernel then
 * reaps them without adding their time to anyone's).
 */
export const CPU_BUDGET: string = String.raw`${PROCESS_TREE}
class _CpuBudget:
    def __init__(self, limit, interpreter):
        import time
        self.limit = limit  # seconds, or None for no limit (orphans are still reaped)
        self.interpreter = interpreter  # its wait status is the pidfd path's: never reaped here
        self.me = os.getpid()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.clock = time.monotonic
        self.due = self.clock() + 1
        self.over = 0  # samples over the limit in a row
        self.used_up = False

    def timeout(self):
        # how long to wait before the next sample, for select (None: none is left to take)
        if self.used_up:
            return None
        return max(0.0, self.due - self.clock())

    def check(self):
        # takes a sample if one is due; True once the budget was used up and all was killed
        if self.timeout() != 0.0:
            return self.used_up
        import resource
        self.due = self.clock() + 1
        tree = _process_tree(self.me)
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = sum(ticks for _, _, ticks in tree.values()) / self.tick
        used += reaped.ru_utime + reaped.ru_stime
        # orphans that ended: reaped after the sample, so each is counted once, then by rusage
        for pid, (state, ppid, _) in tree.items():
            if state == b"Z" and ppid == self.me and pid != self.interpreter:
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
        over = self.limit is not None and used > self.limit
        self.over = self.over + 1 if over else 0
        if self.over >= 2:
            self.used_up = True
            _kill_tree(self.me)
        return self.used_up
`;
