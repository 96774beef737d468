/**
 * The trusted Python of a stateful interpreter (the stateless fork server's is in
 * bootstrap.ts).
 * @module
 */
import { JOB_FRAMING } from "./_job_framing.ts";

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
    import builtins, importlib, math, resource, traceback, types
    ctl_in, ctl_out = _open_channel()
    # started with SANDBOX_CPU_SECONDS as the soft limit: that is each call's budget
    cpu_per_call = resource.getrlimit(resource.RLIMIT_CPU)[0]
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

    while True:
        job = _read_job(ctl_in)
        marker = _read_marker(ctl_in)
        saved_env = env_snapshot()
        os.environ.update(job.get("env") or {})
        importlib.invalidate_caches()  # packages installed since the last call
        renew_cpu_limit()
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
