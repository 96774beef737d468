/**
 * The trusted Python that runs first in every sandboxed interpreter. The rlimits and the
 * uid are already in force (applied by the sandbox launcher) when it starts; user code
 * runs only in what it forks or executes, never in the code that frames the jobs.
 * @module
 */

/**
 * What the fork server and the kernel share: the job channel (moved off fds 0 and 1),
 * reading a job (`<length>\n<json>`) and, separately, its nonce (`<32 hex>\n`), ending it
 * with the nonce's marker, and turning a job into the program it runs.
 *
 * The nonce follows the job instead of being part of it so that the fork server can read
 * it after the fork: a forked run never has it in its memory, so it cannot write the
 * marker and forge the end of its job (its stdout is the same pipe as the status).
 */
const JOB_FRAMING = String.raw`
import json, os, sys

def _open_channel():
    ctl_in = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # children must never read the job channel
    os.close(null)
    return ctl_in, os.dup(1)

def _read_job(ctl_in):
    header = b""
    while not header.endswith(b"\n"):
        byte = os.read(ctl_in, 1)
        if not byte:
            os._exit(0)  # closed: the worker discarded this interpreter
        header += byte
        if len(header) > 24:
            os._exit(70)
    n, parts = int(header), []
    while n > 0:
        chunk = os.read(ctl_in, min(n, 1 << 20))
        if not chunk:
            os._exit(0)
        parts.append(chunk)
        n -= len(chunk)
    return json.loads(b"".join(parts))

def _read_marker(ctl_in):
    nonce = b""
    while len(nonce) < 33:
        chunk = os.read(ctl_in, 33 - len(nonce))
        if not chunk:
            os._exit(0)
        nonce += chunk
    if not nonce.endswith(b"\n") or not all(c in b"0123456789abcdef" for c in nonce[:32]):
        os._exit(70)
    return b"\x00\x1e" + nonce[:32] + b"\x1e"

def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]

def _end_job(ctl_out, marker, status):
    # marker on stderr, then marker + status on the channel: the worker reads each stream
    # up to its marker, so one job's output never runs into the next one's
    _write_all(2, marker)
    _write_all(ctl_out, marker + json.dumps(status).encode() + b"\n")

def _line_buffered():
    # PYTHONUNBUFFERED (kept for child processes) makes print() one write per piece, and
    # each write may wake the worker; one write per line still streams live
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(write_through=False, line_buffering=True)
        except Exception:
            pass

def _job_program(job):
    # (filename, source, argv): a workspace file run as a script, or code as with -c
    if job.get("file") is not None:
        with open(job["file"], "rb") as f:
            return job["file"], f.read(), [job["argv0"]] + list(job.get("args") or [])
    return "<string>", job["code"], ["-c"] + list(job.get("args") or [])

def _script_dir(job):
    # sys.path[0] as python3 sets it: the script's real directory (a symlinked script
    # imports from where it really is), or "" (the working directory) for code
    if job.get("file") is None:
        return ""
    return os.path.dirname(os.path.realpath(job["file"]))

def _stdin_fd(job):
    # the call's stdin as a file descriptor to put on fd 0: a memfd holding the data, or
    # /dev/null when there is none
    data = (job.get("stdin") or "").encode()
    if not data:
        return os.open(os.devnull, os.O_RDONLY)
    fd = os.memfd_create("stdin")
    _write_all(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd

def _exit_code(e):
    # what python3 makes of SystemExit: None is 0, an int is reduced to 0-255, anything
    # else is printed and is 1
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    try:
        print(e.code, file=sys.stderr)
    except BaseException:
        pass
    return 1
`;

/**
 * Stateless fork server: waits for jobs on a private copy of stdin (the kernel's framing:
 * `<length>\n<json>` with a per-job nonce) and runs each in a child forked from this
 * clean, never-used interpreter, so a run costs a fork instead of an interpreter
 * start-up and still starts from pristine state. After the child exits it kills every
 * process the run left behind (it is their subreaper, so none can slip away by
 * double-forking), empties the private /tmp and /dev/shm when asked (`--private-tmp`),
 * then frames the end of the job like the kernel: marker on stderr, marker + JSON status
 * on stdout. If it cannot clean up, or its own CPU time nears the CPU rlimit, the status
 * says `retire` and the worker replaces it.
 */
export const FORK_SERVER_SOURCE = String.raw`${JOB_FRAMING}
def _serve():
    import resource, signal, time
    # what every child needs, loaded once here: forked children inherit it for free
    import atexit, builtins, types
    compile("pass", "<warm-up>", "exec")  # the first compile initialises the compiler
    _line_buffered()
    private_tmp = "--private-tmp" in sys.argv[1:]
    # RLIMIT_CPU counts the server's own CPU time too: retire well before it is reached,
    # so the limit never strikes while the server is waiting on a run
    cpu_soft = resource.getrlimit(resource.RLIMIT_CPU)[0]
    cpu_budget = None
    if cpu_soft != resource.RLIM_INFINITY:
        cpu_budget = cpu_soft - max(1.0, cpu_soft * 0.25)
    ctl_in, ctl_out = _open_channel()
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans stay in our tree
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: a run cannot ptrace the server
    except Exception:
        libc = None

    def descendants():
        me = os.getpid()
        children = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/" + name + "/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            fields = stat[stat.rindex(b")") + 2:].split()
            if fields[0] == b"Z":
                continue  # already dead
            children.setdefault(int(fields[1]), []).append(int(name))
        found, todo = [], list(children.get(me, ()))
        while todo and len(found) < 100000:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, ()))
        return found

    def reap():
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return

    def kill_leftovers():
        for attempt in range(2000):
            reap()
            pids = descendants()
            if not pids:
                reap()  # the last ones killed, now zombies
                return True
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if attempt > 10:
                time.sleep(0.001)
        return False

    def empty_dir(path):
        ok = True
        try:
            entries = list(os.scandir(path))
        except OSError:
            return False
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    os.chmod(entry.path, 0o700)
                    ok = empty_dir(entry.path) and ok
                    os.rmdir(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                ok = False
        return ok

    while True:
        job = _read_job(ctl_in)
        # a fresh finder for the working directory sees files written since the last run
        sys.path_importer_cache.pop("", None)
        try:
            pid = os.fork()
        except OSError as e:  # e.g. the process limit: fail this run, not the server's caller
            _write_all(2, ("Cannot start the run: %s\n" % e).encode())
            _end_job(ctl_out, _read_marker(ctl_in), {"exit_code": 1, "retire": True})
            continue
        if pid == 0:
            # before the nonce is read: it is never in the run's memory
            os.close(ctl_in)
            os.close(ctl_out)
            _child(job, libc)
        del job
        marker = _read_marker(ctl_in)
        status = os.waitpid(pid, 0)[1]
        clean = kill_leftovers()
        if private_tmp:
            clean = empty_dir("/tmp") and clean
            clean = empty_dir("/dev/shm") and clean
        code = os.waitstatus_to_exitcode(status)
        result = {"exit_code": code}
        if code < 0:
            result = {"exit_code": 128 - code, "signal": signal.Signals(-code).name}
        if not clean or (cpu_budget is not None and time.process_time() >= cpu_budget):
            result["retire"] = True
        _end_job(ctl_out, marker, result)
        del marker

def _child(job, libc):
    code = 1
    try:
        if libc is not None:
            libc.prctl(4, 1, 0, 0, 0)  # dumpable again: its /proc entries are its own
        code = _run(job)
    except SystemExit as e:
        code = _exit_code(e)
    except BaseException:
        pass
    _finish(code)

def _run(job):
    import builtins, types
    fd = _stdin_fd(job)
    os.dup2(fd, 0)
    os.close(fd)
    os.environ.update(job.get("env") or {})
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    filename, source, sys.argv = _job_program(job)
    if job.get("file") is not None:
        main.__file__ = filename
    sys.path[0] = _script_dir(job)
    sys.modules["__main__"] = main
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as e:
        sys.excepthook(type(e), e, None)
        return 1
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:
        # hide this frame: the traceback starts in the user's code, as with python3 -c
        e.__traceback__ = e.__traceback__.tb_next
        sys.excepthook(type(e), e, e.__traceback__)
        return 1
    return 0

def _finish(code):
    # what interpreter shutdown does before exit: join threads, run atexit, flush
    try:
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
    except BaseException:
        pass
    try:
        import atexit
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code)

_serve()
`;

/**
 * Stateful kernel: reads jobs forever from a private copy of stdin, runs each in one
 * persistent `__main__` namespace with the user's output going straight to fds 1 and 2
 * (so child processes' output is captured too), then ends the job with a frame carrying
 * a per-job nonce: the marker on stderr, and marker + JSON status on stdout. For the call
 * it puts the job's stdin on fd 0 (child processes read it too) and, for a file, the
 * script's directory at sys.path[0]; both are restored afterwards.
 *
 * User code runs in this process, so unlike a forked run it can reach the nonce and end
 * its own call early with a status of its choosing (the worker then stops its timer); it
 * cannot affect other sessions, and whatever it leaves running is bounded by the CPU
 * rlimit and by the next call's timeout, which kills the kernel.
 */
export const KERNEL_SOURCE = String.raw`${JOB_FRAMING}
def _kernel():
    import builtins, importlib, traceback, types
    ctl_in, ctl_out = _open_channel()
    _line_buffered()
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    sys.path[0] = ""
    idle_stdin = sys.stdin  # reads fd 0, /dev/null between calls
    null = os.open(os.devnull, os.O_RDONLY)

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

    while True:
        job = _read_job(ctl_in)
        marker = _read_marker(ctl_in)
        saved_env = env_snapshot()
        os.environ.update(job.get("env") or {})
        importlib.invalidate_caches()  # packages installed since the last call
        status = 0
        restore_path = None
        try:
            open_stdin(job)
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
            traceback.print_exception(type(e), e, e.__traceback__)
            status = 1
        flush()
        close_stdin()
        if restore_path is not None:
            restore_path()
        restore_env(saved_env)
        _end_job(ctl_out, marker, {"exit_code": status})

_kernel()
`;
