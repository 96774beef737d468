/**
 * The trusted Python that runs first in every sandboxed interpreter. It waits for one
 * job on stdin (`<length>\n<json>`, then the user's stdin bytes), applies env and argv,
 * and runs the user's code as `__main__` in that same fresh process. The rlimits and the
 * uid are already in force (applied by the sandbox launcher), so a pre-started spare can
 * wait here cheaply and still be indistinguishable from a cold `python3 -c`.
 * @module
 */

/** Stateless runner: one job, then the process exits with the user's exit status. */
export const BOOTSTRAP_SOURCE = String.raw`
import os, sys

def _read_exact(fd, n):
    parts = []
    while n > 0:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            os._exit(70)
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)

def _read_header(fd):
    header = b""
    while not header.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            os._exit(0)  # closed without a job: a discarded spare
        header += byte
        if len(header) > 24:
            os._exit(70)
    return int(header)

def _main():
    import builtins, json, types
    job = json.loads(_read_exact(0, _read_header(0)))
    os.environ.update(job.get("env") or {})
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    if job.get("file") is not None:
        filename = job["file"]
        with open(filename, "rb") as f:
            source = f.read()
        main.__file__ = filename
        sys.argv = [job["argv0"]] + list(job.get("args") or [])
        sys.path[0] = os.path.dirname(filename)
    else:
        filename = "<string>"
        source = job["code"]
        sys.argv = ["-c"] + list(job.get("args") or [])
        sys.path[0] = ""
    sys.modules["__main__"] = main
    del job
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as e:
        sys.excepthook(type(e), e, None)
        sys.exit(1)
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:
        # hide this frame: the traceback starts in the user's code, as with python3 -c
        e.__traceback__ = e.__traceback__.tb_next
        sys.excepthook(type(e), e, e.__traceback__)
        sys.exit(1)

_main()
`;

/**
 * Stateful kernel: reads jobs forever from a private copy of stdin, runs each in one
 * persistent `__main__` namespace with the user's output going straight to fds 1 and 2
 * (so child processes' output is captured too), then ends the job with a frame carrying
 * a per-job nonce: the marker on stderr, and marker + JSON status on stdout.
 */
export const KERNEL_SOURCE = String.raw`
import os, sys

def _kernel():
    import builtins, importlib, io, json, traceback, types
    ctl_in = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # children must never read the job channel
    os.close(null)
    ctl_out = os.dup(1)
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    sys.path[0] = ""

    def read_exact(n):
        parts = []
        while n > 0:
            chunk = os.read(ctl_in, min(n, 1 << 20))
            if not chunk:
                os._exit(0)
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def read_header():
        header = b""
        while not header.endswith(b"\n"):
            byte = os.read(ctl_in, 1)
            if not byte:
                os._exit(0)
            header += byte
        return int(header)

    def write_all(fd, data):
        while data:
            data = data[os.write(fd, data):]

    def flush():
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:
                pass

    while True:
        job = json.loads(read_exact(read_header()))
        marker = ("\x00\x1e" + job["nonce"] + "\x1e").encode()
        saved_env = dict(os.environ)
        os.environ.update(job.get("env") or {})
        sys.stdin = io.StringIO(job.get("stdin") or "")
        importlib.invalidate_caches()  # packages installed since the last call
        status = 0
        try:
            if job.get("file") is not None:
                filename = job["file"]
                with open(filename, "rb") as f:
                    source = f.read()
                main.__file__ = filename
                sys.argv = [job["argv0"]] + list(job.get("args") or [])
            else:
                filename, source = "<string>", job["code"]
                sys.argv = ["-c"] + list(job.get("args") or [])
            del job
            exec(compile(source, filename, "exec"), main.__dict__)
        except SystemExit as e:
            if e.code is None:
                status = 0
            elif isinstance(e.code, int):
                status = e.code
            else:
                print(e.code, file=sys.stderr)
                status = 1
        except BaseException as e:
            if not isinstance(e, SyntaxError) and e.__traceback__ is not None:
                e.__traceback__ = e.__traceback__.tb_next  # hide the kernel's frame
            traceback.print_exception(type(e), e, e.__traceback__)
            status = 1
        flush()
        os.environ.clear()
        os.environ.update(saved_env)
        write_all(2, marker)
        write_all(ctl_out, marker + json.dumps({"exit_code": status}).encode() + b"\n")

_kernel()
`;
