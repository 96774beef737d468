/**
 * Python for the stateful interpreter (kernel_source.ts): what keeps one call's code from
 * breaking how the next call starts or how its end is told, and what tells the supervisor a
 * job's code never ran when it does break it.
 * @module
 */

/** `_MARK_BYTES`, `_mark_job`, `_Outputs`, `_report_error`: Python. */
export const KERNEL_REPAIR: string = String.raw`
# the memory the interpreter shares with its supervisor: a job number, then why it failed
_MARK_BYTES = 512

def _mark_job(started, seq, why=None):
    # job seq's code is about to run; or, with why, it could not be set up and never ran,
    # so the supervisor may run it in a new interpreter. Only ever written before the code runs.
    if why is not None:
        text = why.encode("utf-8", "replace")[:_MARK_BYTES - 8]
        started[8:] = text + bytes(_MARK_BYTES - 8 - len(text))
        seq = -seq
    started[:8] = seq.to_bytes(8, "little", signed=True)

def _same_file(fd, ident):
    try:
        st = os.fstat(fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == ident

class _Outputs:
    # The interpreter's stdout and stderr pipes, which code may close or move between calls:
    # private copies put back on fds 1 and 2 before each call, and sys.stdout or sys.stderr
    # made anew when code closed it (or set it to None), as a fresh python3 would have them.
    def __init__(self):
        self.saved = []
        for fd, name in ((1, "stdout"), (2, "stderr")):
            st = os.fstat(fd)
            stream = getattr(sys, name)
            self.saved.append(
                (fd, name, os.dup(fd), (st.st_dev, st.st_ino), stream.encoding, stream.errors))

    def repair(self):
        # raises when the copies are gone too: the interpreter cannot give the call its output
        for fd, _, copy, ident, _, _ in self.saved:
            if not _same_file(fd, ident):
                if not _same_file(copy, ident):
                    raise OSError("the interpreter's output (fd %d) was closed for good" % fd)
                os.dup2(copy, fd)
        for fd, name, _, _, encoding, errors in self.saved:
            stream = getattr(sys, name)
            try:
                if stream is not None and not stream.closed:
                    continue
            except Exception:
                continue  # an object code set on purpose: left alone
            new = open(fd, "w", encoding=encoding, errors=errors, closefd=False)
            new.reconfigure(line_buffering=True)
            if getattr(sys, "__%s__" % name) is stream:
                setattr(sys, "__%s__" % name, new)
            setattr(sys, name, new)

def _report_error(e):
    # the traceback of the call's error, on sys.stderr as python3 prints it, else straight on
    # fd 2 (code may have broken sys.stderr); never an error of its own
    import traceback
    try:
        traceback.print_exception(type(e), e, e.__traceback__)
        return
    except BaseException:
        pass
    try:
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        _write_all(2, text.encode("utf-8", "backslashreplace"))
    except BaseException:
        pass
`;
