/**
 * The stateful kernel's bound on the CPU time of everything its interpreter starts.
 * @module
 */

/**
 * RLIMIT_CPU counts per process and a new process starts at zero, so the interpreter's hard
 * limit alone does not bound what a call leaves running: a process that forks and exits
 * before its limit, over and over, could use CPU for as long as the session lasts. The
 * supervisor is the subreaper of every orphan below it and, about once a second, adds up
 * the CPU time of every process below it (from /proc, with what each has reaped) and of
 * those it reaped itself. Over the interpreter's hard limit twice in a row (a process being
 * reaped can be counted twice for a moment), it kills them all, the interpreter too.
 *
 * The processes are found by their parent links, never by killing -1: without the sandbox
 * (`--insecure-no-sandbox`) there is no pid namespace, and -1 is every process of the user.
 * CPU a process's children used is lost to the count if it ignores SIGCHLD (the kernel then
 * reaps them without adding their time to anyone's).
 */
export const CPU_BUDGET: string = String.raw`
def _process_tree(root):
    # {pid: (state, ppid, CPU clock ticks)} of every process below root: utime, stime,
    # cutime and cstime from /proc/<pid>/stat, its own and its reaped children's
    stats, children = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fd = os.open("/proc/" + name + "/stat", os.O_RDONLY)
        except OSError:
            continue  # ended meanwhile
        try:
            stat = os.read(fd, 4096)
        except OSError:
            continue
        finally:
            os.close(fd)
        # the command name, in parentheses, may hold anything: the fields follow the last ")"
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) < 15:
            continue
        pid, ppid = int(name), int(fields[1])
        stats[pid] = (fields[0], ppid, sum(int(v) for v in fields[11:15]))
        children.setdefault(ppid, []).append(pid)
    tree, todo = {}, list(children.get(root, ()))
    while todo and len(tree) < 100000:
        pid = todo.pop()
        if pid not in tree:
            tree[pid] = stats[pid]
            todo.extend(children.get(pid, ()))
    return tree

def _kill_tree(root):
    # SIGKILL to every process below root until none is left (a fork can race one round)
    import signal, time
    for attempt in range(2000):
        live = [pid for pid, (state, _, _) in _process_tree(root).items() if state != b"Z"]
        if not live:
            return
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if attempt > 10:
            time.sleep(0.001)

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
