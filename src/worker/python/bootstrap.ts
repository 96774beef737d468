/**
 * The trusted Python that runs first in every sandboxed interpreter of stateless runs (the
 * stateful kernel's is in kernel_source.ts; what both share, in _job_framing.ts). The
 * rlimits and the uid are already in force (applied by the sandbox launcher) when it
 * starts; user code runs only in what it forks or executes, never in the code that frames
 * the jobs. Neither does an installed package's: it starts on the system python3 without
 * `site`, and each run sets up site-packages (the venv's, if any) for itself.
 * @module
 */
import { JOB_FRAMING } from "./_job_framing.ts";
import { PROCESS_TREE } from "./_process_tree.ts";

/**
 * Stateless fork server: waits for jobs on a private copy of stdin (the kernel's framing:
 * `<length>\n<json>`, its nonce read only after the fork) and runs each in a child forked from this
 * clean, never-used interpreter, so a run costs a fork instead of an interpreter
 * start-up and still starts from pristine state. The child is forked ahead, once the last
 * run is cleaned up, and waits for its job on a pipe: its fork and its `site` set-up (with
 * a venv, see _enable_site) are off the request path. After the child exits it kills every
 * process the run left behind (it is their subreaper, so none can slip away by
 * double-forking), empties the private /tmp and /dev/shm when asked (`--private-tmp`),
 * then frames the end of the job like the kernel: marker on stderr, marker + JSON status
 * on stdout. If it cannot clean up, or its own CPU time nears the CPU rlimit, the status
 * says `retire` and the worker replaces it; if it cannot fork the run, `start_failed` says
 * why.
 */
export const FORK_SERVER_SOURCE = String.raw`${JOB_FRAMING}${PROCESS_TREE}
# directories below /tmp the clean-up goes: one open file each, well within RLIMIT_NOFILE
_EMPTY_DIR_MAX_DEPTH = 128

def _serve():
    import resource, time
    # what every child needs, loaded once here: forked children inherit it for free
    import atexit, builtins, site, types  # with -S, importing site runs none of it
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

    def reap():
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return

    def kill_leftovers():
        return _kill_tree(os.getpid(), reap)

    def empty_dir(path):
        # Removes what the run left in path: iterative, relative to open directories (no
        # recursion, no path-length limit) and never following a symlink. False if anything
        # is left, e.g. below _EMPTY_DIR_MAX_DEPTH: the server then retires, and its private
        # /tmp and /dev/shm end with its sandbox.
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            top = os.open(path, flags)
        except OSError:
            return False
        ok = True
        stack = []  # (open directory, its name in the one above, subdirectories to empty)

        def enter(fd, name):
            # unlinks all but the subdirectories, which wait on the stack
            clean, subdirs = True, []
            stack.append((fd, name, subdirs))
            try:
                with os.scandir(fd) as it:
                    for entry in it:
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                subdirs.append(entry.name)
                            else:
                                os.unlink(entry.name, dir_fd=fd)
                        except OSError:
                            clean = False
            except OSError:
                clean = False
            return clean

        try:
            ok = enter(top, None)
            while stack:
                fd, name, subdirs = stack[-1]
                if subdirs:
                    sub = subdirs.pop()
                    if len(stack) >= _EMPTY_DIR_MAX_DEPTH:
                        ok = False
                        continue
                    try:
                        os.chmod(sub, 0o700, dir_fd=fd)  # a run may have made it unreadable
                        ok = enter(os.open(sub, flags, dir_fd=fd), sub) and ok
                    except OSError:
                        ok = False
                    continue
                stack.pop()
                os.close(fd)
                if stack:
                    try:
                        os.rmdir(name, dir_fd=stack[-1][0])
                    except OSError:
                        ok = False
        finally:
            for fd, _, _ in stack:
                os.close(fd)
        return ok

    def clean_up():
        # True when nothing of the run is left; an error here is the server's, never the run's
        try:
            clean = kill_leftovers()
            if private_tmp:
                clean = empty_dir("/tmp") and clean
                clean = empty_dir("/dev/shm") and clean
            return clean
        except Exception:
            return False

    def prefork():
        # The next run's process, forked as soon as the last run is cleaned up, from the same
        # clean state: its fork and its site set-up (see _enable_site) are then off the
        # request path. It waits for its job on a pipe. Returns ((pid, job pipe), None), or
        # (None, why it could not be forked).
        try:
            job_r, job_w = os.pipe()
        except OSError as e:
            return None, "pipe: %s" % e
        try:
            pid = os.fork()
        except OSError as e:
            os.close(job_r)
            os.close(job_w)
            return None, "fork: %s" % e
        if pid == 0:
            # forked before the job's nonce is read: it is never in the run's memory
            for fd in (ctl_in, ctl_out, job_w):
                os.close(fd)
            _child(job_r, libc)
        os.close(job_r)
        return (pid, job_w), None

    ready, failure = prefork()
    while True:
        body = _read_body(ctl_in)  # passed on as it is: the run parses it
        if ready is None:
            ready, failure = prefork()  # the last attempt may have met a passing limit
        if ready is None:
            # e.g. the process limit: the run never started, which is not an exit of its own;
            # the server itself is fine and serves the next one
            _end_job(ctl_out, _read_marker(ctl_in), {"start_failed": failure})
            continue
        (pid, job_w), ready = ready, None
        try:
            _write_all(job_w, _framed(body))
        except OSError:
            pass  # it died before taking its job: its wait status says how
        os.close(job_w)
        del body
        marker = _read_marker(ctl_in)
        result = _exit_status(os.waitpid(pid, 0)[1])
        clean = clean_up()
        if not clean or (cpu_budget is not None and time.process_time() >= cpu_budget):
            result["retire"] = True
        _end_job(ctl_out, marker, result)
        del marker
        if not result.get("retire"):
            ready, failure = prefork()

def _child(job_r, libc):
    code = 1
    held = None
    try:
        if libc is not None:
            libc.prctl(4, 1, 0, 0, 0)  # dumpable again: its /proc entries are its own
        sys.argv = ["-c"]  # as python3 -c has it while site runs; the job sets its own
        held = _hold_output()
        _enable_site()  # the installed packages' .pth files run here, in the run, never above
        job = _read_job(job_r)
        os.close(job_r)
        job_r = None
        held = _release_output(held)
        code = _run(job)
    except SystemExit as e:
        code = _exit_code(e)
    except BaseException as e:
        # _run reports the user's own errors: this one came before the program could start
        # (e.g. its file cannot be read), and the caller must see why nothing ran
        try:
            _write_all(2, ("Cannot start the run: %s: %s\n" % (type(e).__name__, e)).encode(
                "utf-8", "backslashreplace"))
        except BaseException:
            pass
    if held is not None:
        # it ended before its job came: what it wrote is that call's output
        try:
            if job_r is not None:
                _read_body(job_r)
            _release_output(held)
        except BaseException:
            pass
    _finish(code)

def _hold_output():
    # site runs ahead of the job, between calls, when the worker takes no output: what it
    # writes (a .pth file's print, site's "Error processing line") waits in anonymous files
    # for the job, so that it is the run's output, as python3 gives it
    if not sys.flags.no_site:
        return None
    held = []
    for fd in (1, 2):
        mem = _anonymous_file()
        held.append((fd, os.dup(fd)))
        os.dup2(mem, fd)
        os.close(mem)
    return held

def _release_output(held):
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    for fd, saved in held or ():
        mem = os.dup(fd)
        os.dup2(saved, fd)
        os.close(saved)
        offset = 0
        while True:
            data = os.pread(mem, 1 << 16, offset)
            if not data:
                break
            _write_all(fd, data)
            offset += len(data)
        os.close(mem)
    return None

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
    sys.modules["__main__"] = main
    sys.path.insert(0, _script_dir(job))
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
