/**
 * How a sandboxed command really ended. bubblewrap reports a command killed by signal n as
 * exit code 128 + n, so `os._exit(137)` and a SIGKILL look the same in its exit status. With
 * an exit report the launcher forks: the command runs in the child, and the parent, which
 * runs no user input, waits for it and writes how it ended to stderr, tagged with a nonce
 * the worker put first on stdin. The parent reads the nonce before it forks and is not
 * dumpable (and ptrace is filtered), so the command can neither read it nor forge a report.
 * @module
 */
import { concatBytes, indexOfBytes, needleStartAtEnd, toHex } from "../../core/mod.ts";
import type { SandboxExit } from "./runner.ts";
import { signalName } from "./signal_names.ts";

/** Hex digits of a nonce; the launcher reads exactly this many bytes of stdin first. */
export const NONCE_CHARS = 32;
/** Bytes after the tag: `e` and an exit code, or `s` and a signal number, three digits. */
const STATUS_CHARS = 4;

/**
 * Python run by the launcher after closing inherited descriptors and before the command's
 * own set-up. Only the child returns from it. The parent ignores the signals code can send
 * its process group (the command's own dispositions are restored before exec), so only
 * SIGKILL or SIGSTOP stop it: a SIGKILL leaves bubblewrap's 128 + n, which the worker reads.
 */
export const WAIT_AND_REPORT = `
_nonce = b""
while len(_nonce) < ${NONCE_CHARS}:
    _b = os.read(0, ${NONCE_CHARS} - len(_nonce))
    if not _b:
        break
    _nonce += _b
import ctypes
# PR_SET_DUMPABLE 0: the command cannot read this process's memory (the nonce) through /proc
if ctypes.CDLL(None).prctl(4, 0, 0, 0, 0):
    os.write(2, b"Cannot hide the exit report's nonce\\n")
    os._exit(126)
_quiet = {getattr(signal, n) for n in ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1",
    "SIGUSR2", "SIGALRM", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGVTALRM", "SIGPROF")}
_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _quiet)
_pid = os.fork()
if _pid:
    for _s in _quiet:
        signal.signal(_s, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, _mask)
    _code = os.waitstatus_to_exitcode(os.waitpid(_pid, 0)[1])
    if len(_nonce) == ${NONCE_CHARS}:
        try:
            os.write(2, b"\\0%s:%s%03d" % (_nonce, b"e" if _code >= 0 else b"s", abs(_code)))
        except OSError:
            pass
    os._exit(_code if _code >= 0 else 128 - _code)
del _nonce
signal.pthread_sigmask(signal.SIG_SETMASK, _mask)
`;

const encoder = new TextEncoder();

/**
 * The worker's side of one launch's report: the nonce to put first on stdin, and a filter
 * for stderr that takes the report out of it. Output never gains or loses anything else.
 */
export class ExitReport {
  readonly #tag: Uint8Array;
  readonly prefix: Uint8Array;
  #held = new Uint8Array(0);
  #exit: SandboxExit | undefined;

  constructor(nonce: string = randomNonce()) {
    this.prefix = encoder.encode(nonce);
    this.#tag = encoder.encode(`\0${nonce}:`);
  }

  /** How the command ended, once the report was seen. */
  get exit(): SandboxExit | undefined {
    return this.#exit;
  }

  /**
   * The part of `chunk` that is output. Bytes that may start a report are held back (copied:
   * the caller's buffer is reused) until the next chunk says whether they are one.
   */
  push(chunk: Uint8Array): Uint8Array {
    if (this.#exit) return chunk;
    const bytes = this.#held.length === 0 ? chunk : concatBytes([this.#held, chunk]);
    const whole = this.#tag.length + STATUS_CHARS;
    const at = indexOfBytes(bytes, this.#tag);
    if (at >= 0 && bytes.length - at >= whole) {
      this.#held = new Uint8Array(0);
      this.#exit = parseStatus(bytes.subarray(at + this.#tag.length, at + whole));
      return concatBytes([bytes.subarray(0, at), bytes.subarray(at + whole)]);
    }
    const keep = at >= 0 ? bytes.length - at : needleStartAtEnd(bytes, this.#tag);
    this.#held = bytes.slice(bytes.length - keep);
    return bytes.subarray(0, bytes.length - keep);
  }

  /** The stream ended: what was held back was output after all. */
  end(): Uint8Array {
    const rest = this.#held;
    this.#held = new Uint8Array(0);
    return rest;
  }
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(NONCE_CHARS / 2));
  return toHex(bytes);
}

function parseStatus(bytes: Uint8Array): SandboxExit | undefined {
  const text = new TextDecoder().decode(bytes);
  const n = Number(text.slice(1));
  if (!/^[es]\d{3}$/.test(text) || n > 255) return undefined;
  if (text[0] === "e") return { exitCode: n };
  return { exitCode: 128 + n, signal: signalName(n) };
}
