/**
 * The trusted Python of a stateful interpreter (the stateless fork server's is in
 * bootstrap.ts).
 * @module
 */
import { CPU_BUDGET } from "./_cpu_budget.ts";
import { JOB_FRAMING } from "./_job_framing.ts";
import { KERNEL_REPAIR } from "./_kernel_repair.ts";
import { STALE_MODULES } from "./_stale_modules.ts";

/**
 * Stateful kernel, two processes. The supervisor holds the job channel: it reads each job and
 * its nonce, passes the job (without the nonce) to the interpreter it forked, and frames the
 * job's end itself — the marker on stderr, then marker + JSON status on stdout. The
 * interpreter runs every job in one persistent `__main__` namespace with the user's output
 * going straight to fds 1 and 2 (so child processes' output is captured too), and says it is
 * done over a pipe: `<job number> <exit code>`. For the call it puts the job's stdin on fd 0
 * (child processes read it too) and, for a file, the script's directory at sys.path[0]; both
 * are restored afterwards.
 *
 * User code runs in the interpreter, never in the supervisor (which starts on the system
 * python3 without `site`, so no installed package's code runs in it either: the interpreter
 * sets up site-packages after the fork), and the supervisor cannot be read or traced from it (not dumpable; ptrace is filtered): it never learns a nonce, so it
 * can write no frame. What the interpreter can do is say "done" for a job early, with an exit
 * code of 0-255 of its choosing — code left running (a thread) can do it for a later job too
 * — and the supervisor ignores a "done" for any job but the current one. When the interpreter
 * dies the supervisor, its parent, reads the true wait status: exit code or signal, which the
 * sandbox's own exit status (128 + n for signal n, as bubblewrap reports it) cannot tell
 * apart. It frames that as the current job's end with `died`, adding `before` when the
 * job's code never ran (the interpreter died before it took the job, or while it set the job
 * up, which `setup_failed` then explains: earlier code can break the interpreter, e.g. close
 * its output for good; see _kernel_repair.ts), and exits. Between calls and
 * during them it bounds the CPU time of the interpreter and of every process it started, left
 * running or not, by the interpreter's hard limit (see CPU_BUDGET); past it, it kills them
 * all, and the interpreter's death says `cpu_budget`.
 */
export const KERNEL_SOURCE = String.raw`${JOB_FRAMING}${CPU_BUDGET}${KERNEL_REPAIR}${STALE_MODULES}
def _supervise():
    import mmap, resource, select
    ctl_in, ctl_out = _open_channel()
    # shared with the interpreter, which writes there the number of the job whose code it is
    # about to run, or minus it and why when it could not set the job up (_mark_job)
    started = mmap.mmap(-1, _MARK_BYTES)
    job_r, job_w = os.pipe()
    done_r, done_w = os.pipe()
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no /proc/<pid>/mem, fd or environ for user code
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans stay below, counted (_CpuBudget)
    except Exception:
        libc = None
    # the interpreter's hard CPU limit, its whole life's: that of every process it starts too
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    pid = os.fork()
    if pid == 0:
        if libc is not None:
            libc.prctl(4, 1, 0, 0, 0)  # dumpable again: its /proc entries are its own
        for fd in (ctl_in, ctl_out, job_w, done_r):
            os.close(fd)
        try:
            _kernel(job_r, done_w, started)
        finally:
            os._exit(70)
    os.close(done_w)
    # the soft CPU limit is each call's budget, which the interpreter renews for itself: this
    # process runs no user code, and its CPU (copying jobs) adds up over every call, so only
    # the interpreter's hard limit (the whole life's) bounds it
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    # job_r stays open here too: a job written after the interpreter died fills the pipe, not EPIPE
    os.set_blocking(job_w, False)
    child = os.pidfd_open(pid)
    budget = _CpuBudget(None if hard == resource.RLIM_INFINITY else hard, pid)

    def died(wait_status):
        status = _exit_status(wait_status)
        status["died"] = True
        # the job's code never ran unless its mark says so: it died before taking the job, or
        # while setting it up (e.g. earlier code broke its output), and may run elsewhere
        mark = int.from_bytes(started[:8], "little", signed=True)
        if mark != seq:
            status["before"] = True
        if mark == -seq:
            why = started[8:].rstrip(b"\0").decode("utf-8", "replace")
            status["setup_failed"] = why or "unknown error"
        if budget.used_up:
            status["cpu_budget"] = True  # the supervisor killed it: see _CpuBudget
        return status

    seq = 0
    while True:
        # between calls too, what the last call left running is counted
        while select.select([ctl_in], [], [], budget.timeout())[0] == [] and not budget.check():
            pass
        body = _read_body(ctl_in)
        marker = _read_marker(ctl_in)
        seq += 1
        # a view: each write takes its bytes off the front without copying the rest
        pending = memoryview(_framed(body))
        del body
        done, status = b"", None
        while status is None:
            readable, writable, _ = select.select(
                [done_r, child], [job_w] if pending else [], [], budget.timeout())
            budget.check()  # when over, the interpreter is killed: child is readable next
            if writable:
                try:
                    pending = pending[os.write(job_w, pending):]
                except BlockingIOError:
                    pass
            if done_r in readable:
                *lines, done = (done + os.read(done_r, 65536)).split(b"\n")
                done = done[-64:]  # a real line is a few bytes: nothing kept without bound
                for line in lines:
                    words = line.split()
                    if len(words) == 2 and words[0] == b"%d" % seq and words[1].isdigit():
                        if len(words[1]) <= 3 and int(words[1]) <= 255:
                            status = {"exit_code": int(words[1])}
            if status is None and child in readable:
                wait_status = os.waitpid(pid, 0)[1]
                status = died(wait_status)
        _end_job(ctl_out, marker, status)
        del marker
        if status.get("died"):
            os._exit(0)

def _kernel(job_r, done_w, started):
    import builtins, importlib, math, resource, types
    # started with SANDBOX_CPU_SECONDS as the soft limit: that is each call's budget
    cpu_per_call = resource.getrlimit(resource.RLIMIT_CPU)[0]
    _line_buffered()
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    sys.argv = ["-c"]  # as python3 -c has it while site runs; each call sets its own
    _enable_site()  # the installed packages' .pth files run here, never in the supervisor
    sys.path.insert(0, "")  # as python3 -c has it (JOB_FRAMING took it out)
    idle_stdin = sys.stdin  # reads fd 0, /dev/null between calls
    outputs = _Outputs()
    null = os.open(os.devnull, os.O_RDONLY)
    stale = _StaleModules()

    # The environment as raw bytes: copying and comparing it is cheap, where rebuilding
    # os.environ would cost a putenv per variable on every call.
    def env_snapshot():
        return dict(os.environ._data)

    def restore_env(saved):
        current = os.environ._data
        if current == saved:
            return
        for key in [k for k in current if k not in saved]:
            del os.environ[os.fsdecode(key)]
        for key, value in saved.items():
            if current.get(key) != value:
                os.environ[os.fsdecode(key)] = os.fsdecode(value)

    def flush():
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:
                pass

    def open_stdin(job):
        # a new sys.stdin over the call's data on fd 0, as python3 would have made it
        fd = _stdin_fd(job)
        os.dup2(fd, 0)
        os.close(fd)
        encoding = getattr(idle_stdin, "encoding", None) or "utf-8"
        errors = getattr(idle_stdin, "errors", None) or "strict"
        sys.stdin = open(0, "r", encoding=encoding, errors=errors, closefd=False)

    def close_stdin():
        os.dup2(null, 0)
        sys.stdin = idle_stdin

    def renew_cpu_limit():
        # RLIMIT_CPU counts the whole life of the process: each call may use cpu_per_call on
        # top of what was used before it (rounded up, so never less). Code can raise the soft
        # limit itself, up to the hard limit, which bounds the interpreter's total.
        if cpu_per_call == resource.RLIM_INFINITY:
            return
        usage = resource.getrusage(resource.RUSAGE_SELF)
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = math.ceil(usage.ru_utime + usage.ru_stime) + cpu_per_call
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard - 1)  # SIGXCPU ends it, not the hard limit's SIGKILL
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        except (ValueError, OSError):
            pass

    def set_script_dir(job):
        # sys.path[0] is the script's directory for the call, as for python3 script.py;
        # returns how to undo it (the entry may have moved if the code changed sys.path)
        entry = _script_dir(job)
        if not sys.path:
            sys.path.append("")
        saved, sys.path[0] = sys.path[0], entry
        def undo():
            if entry in sys.path:
                sys.path[sys.path.index(entry)] = saved
        return undo

    seq = 0
    while True:
        job = _read_job(job_r)
        seq += 1
        try:
            # what fails here is the interpreter's (earlier code broke it), not the job's: the
            # job never ran, and the supervisor says so (see _mark_job)
            outputs.repair()
            saved_env = env_snapshot()
            os.environ.update(job.get("env") or {})
            importlib.invalidate_caches()  # packages installed since the last call
            renew_cpu_limit()
            open_stdin(job)
        except BaseException as e:
            _mark_job(started, seq, "%s: %s" % (type(e).__name__, e))
            os._exit(70)
        _mark_job(started, seq)
        status = 0
        restore_path = None
        try:
            stale.warn()
        except Exception:
            pass
        try:
            filename, source, sys.argv = _job_program(job)
            if job.get("file") is not None:
                main.__file__ = filename
                restore_path = set_script_dir(job)
            del job
            exec(compile(source, filename, "exec"), main.__dict__)
        except SystemExit as e:
            status = _exit_code(e)
        except BaseException as e:
            if not isinstance(e, SyntaxError) and e.__traceback__ is not None:
                e.__traceback__ = e.__traceback__.tb_next  # hide the kernel's frame
            _report_error(e)
            status = 1
        # each undone on its own: what fails is left for the next call's set-up to judge
        for undo in (stale.note, flush, close_stdin, restore_path, lambda: restore_env(saved_env)):
            try:
                if undo is not None:
                    undo()
            except BaseException:
                pass
        try:
            _write_all(done_w, b"%d %d\n" % (seq, status))
        except BaseException:
            os._exit(status)  # code closed the pipe: the supervisor reads the status from the death

_supervise()
`;
