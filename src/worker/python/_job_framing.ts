/**
 * The byte the trusted Python writes first on stdout: until it arrives, a process that
 * ends was its sandbox failing to start (bubblewrap could not make its namespaces, say),
 * not a program that ran.
 */
export const READY_BYTE = 0x06;

/**
 * What the fork server and the kernel share: the job channel (moved off fds 0 and 1),
 * reading a job (`<length>\n<json>`) and, separately, its nonce (`<32 hex>\n`), ending it
 * with the nonce's marker, turning a job into the program it runs, and giving user code the
 * `site` set-up the trusted code starts without (`-S`, see interpreterSpec).
 *
 * The nonce follows the job instead of being part of it so that the fork server can read
 * it after the fork: a forked run never has it in its memory, so it cannot write the
 * marker and forge the end of its job (its stdout is the same pipe as the status).
 */
export const JOB_FRAMING: string = String.raw`
import sys
# python3 -c puts its working directory, the workspace, first on sys.path: a json.py there
# would run in this trusted process. User code gets its own first entry back after the fork.
while "" in sys.path:
    sys.path.remove("")
import json, os

def _open_channel():
    ctl_in = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # children must never read the job channel
    os.close(null)
    ctl_out = os.dup(1)
    # the first byte on stdout: the sandbox is up and so is Python (see READY_BYTE)
    _write_all(ctl_out, bytes([${READY_BYTE}]))
    return ctl_in, ctl_out

def _read_job(ctl_in):
    return json.loads(_read_body(ctl_in))

def _framed(body):
    # a job as _read_body reads it: its length on a line, then its bytes
    return b"%d\n" % len(body) + body

def _read_body(ctl_in):
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
    return b"".join(parts)

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

def _exit_status(wait_status):
    # a job's status from its process's wait status: exit code, or 128 + n and the name of
    # signal n, as the worker reports it
    code = os.waitstatus_to_exitcode(wait_status)
    if code >= 0:
        return {"exit_code": code}
    import signal
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = "SIG%d" % -code
    return {"exit_code": 128 - code, "signal": name}

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

def _enable_site():
    # With a venv the trusted code started with -S, so no installed package's .pth file or
    # sitecustomize ran in it: here, in user code only (after the fork), python3's start-up
    # site set-up, as the venv's interpreter, whose pyvenv.cfg gives sys.prefix and the
    # site-packages. Call it before sys.path gets its first entry: python3 adds that after.
    # Without a venv site ran at start-up (see interpreterSpec): nothing to do.
    if not sys.flags.no_site:
        return
    if _VENV_PYTHON is not None:
        sys.executable = _VENV_PYTHON
    import site
    site.main()

def _venv_python():
    # "--venv-python PATH" when the session has a venv: the interpreter user code runs as
    args = sys.argv[1:]
    if "--venv-python" in args[:-1]:
        return args[args.index("--venv-python") + 1]
    return None

_VENV_PYTHON = _venv_python()

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

def _anonymous_file():
    # a file with no name in the private /tmp, a tmpfs of bounded size: the sandbox refuses
    # memfd_create, whose memory no limit bounds (seccomp_table.ts); without the sandbox a
    # /tmp that cannot hold one falls back to a memfd
    try:
        return os.open("/tmp", os.O_TMPFILE | os.O_RDWR, 0o600)
    except OSError:
        return os.memfd_create("anonymous")

def _stdin_fd(job):
    # the call's stdin as a file descriptor to put on fd 0: an anonymous file holding the
    # data, or /dev/null when there is none
    data = (job.get("stdin") or "").encode()
    if not data:
        return os.open(os.devnull, os.O_RDONLY)
    fd = _anonymous_file()
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
