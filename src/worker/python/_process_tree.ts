/**
 * Python shared by the stateless fork server (bootstrap.ts) and the stateful kernel's CPU
 * budget (_cpu_budget.ts): the processes below a given one, found by their parent links in
 * /proc, and killing them all. Never by killing -1: without the sandbox
 * (`--insecure-no-sandbox`) there is no pid namespace, and -1 is every process of the user.
 * @module
 */

/** `_process_tree(root)`, `_alive(pid, state)`, `_kill_tree(root, reap=None)`: Python. */
export const PROCESS_TREE: string = String.raw`
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

def _alive(pid, state):
    # "Z" is also a process whose first thread ended while others run (and use CPU): it is
    # dead only once that thread is its last
    if state != b"Z":
        return True
    try:
        return len(os.listdir("/proc/%d/task" % pid)) > 1
    except OSError:
        return False

def _kill_tree(root, reap=None):
    # SIGKILL to every process below root until none is left (a fork can race one round);
    # reap, if given, collects the caller's dead children before each look and after the
    # last. False if some were still alive after every attempt.
    import signal, time
    for attempt in range(2000):
        if reap is not None:
            reap()
        live = [pid for pid, (state, _, _) in _process_tree(root).items() if _alive(pid, state)]
        if not live:
            if reap is not None:
                reap()  # the last ones killed, now zombies
            return True
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if attempt > 10:
            time.sleep(0.001)
    return False
`;
