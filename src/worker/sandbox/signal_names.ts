/** Linux's signal numbers 1-31 by name (the same on x86-64 and arm64). */
const NAMES = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGILL",
  "SIGTRAP",
  "SIGABRT",
  "SIGBUS",
  "SIGFPE",
  "SIGKILL",
  "SIGUSR1",
  "SIGSEGV",
  "SIGUSR2",
  "SIGPIPE",
  "SIGALRM",
  "SIGTERM",
  "SIGSTKFLT",
  "SIGCHLD",
  "SIGCONT",
  "SIGSTOP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGVTALRM",
  "SIGPROF",
  "SIGWINCH",
  "SIGIO",
  "SIGPWR",
  "SIGSYS",
] as const;

/** The name of signal `n`: `SIGKILL` for 9; `SIG34` for one without a name here. */
export function signalName(n: number): string {
  return NAMES[n - 1] ?? `SIG${n}`;
}

/**
 * The signal a launcher's exit code stands for when, as bubblewrap and shells do, it reports
 * a command killed by signal n as exit code 128 + n; undefined for any other code.
 */
export function signalFromExitCode(code: number): string | undefined {
  return code > 128 ? NAMES[code - 129] : undefined;
}
