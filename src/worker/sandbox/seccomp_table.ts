/**
 * The system calls sandboxed code is refused, with their numbers on each supported
 * architecture and why. An unprivileged Python run has no use for any of them; most widen
 * the kernel's attack surface (and have been the way in for kernel exploits), the rest need
 * capabilities the sandbox never has and are refused early for good measure. Everything
 * else is allowed: this is a deny-list, like container runtimes' default profiles.
 * @module
 */

/** Architectures the filter knows the system call numbers of. */
export type SeccompArch = "x86_64" | "aarch64";

/**
 * How a listed call is refused: `always` (EPERM), `namespace-flags` (EPERM only when its
 * first argument asks for a new namespace), `foreign-persona` (EPERM unless the persona
 * is the default, or the query value), `enosys` (ENOSYS, so callers fall back),
 * `socket-family` (EAFNOSUPPORT for a socket of a family no network namespace confines).
 */
export type DenyRule =
  | "always"
  | "namespace-flags"
  | "foreign-persona"
  | "enosys"
  | "socket-family";

/** One refused system call. */
export interface DeniedSyscall {
  name: string;
  x86_64: number;
  aarch64: number;
  rule: DenyRule;
  why: string;
}

function deny(name: string, x86_64: number, aarch64: number, why: string, rule?: DenyRule) {
  return { name, x86_64, aarch64, rule: rule ?? "always", why };
}

/** The refused system calls (numbers from the kernel's syscall_64.tbl and asm-generic). */
export const DENIED_SYSCALLS: readonly DeniedSyscall[] = [
  deny("bpf", 321, 280, "loads programs and maps into the kernel"),
  deny("perf_event_open", 298, 241, "kernel performance counters, a frequent exploit vector"),
  deny("userfaultfd", 323, 282, "stalls kernel page-fault handling, used to win kernel races"),
  deny("io_uring_setup", 425, 425, "io_uring: a second system call interface, often exploited"),
  deny("io_uring_enter", 426, 426, "io_uring"),
  deny("io_uring_register", 427, 427, "io_uring"),
  deny("keyctl", 250, 219, "kernel keyrings are not namespaced"),
  deny("add_key", 248, 217, "kernel keyrings are not namespaced"),
  deny("request_key", 249, 218, "kernel keyrings are not namespaced"),
  deny("ptrace", 101, 117, "no debugger runs in the sandbox; tracing other processes"),
  deny("process_vm_readv", 310, 270, "reads another process's memory"),
  deny("process_vm_writev", 311, 271, "writes another process's memory"),
  deny("kcmp", 312, 272, "compares other processes' kernel objects (ptrace-class)"),
  deny("pidfd_getfd", 438, 438, "copies another process's descriptor (ptrace-class)"),
  deny("personality", 135, 92, "could turn off ASLR for what it runs next", "foreign-persona"),
  deny("syslog", 103, 116, "the host kernel's log is not namespaced"),
  deny("kexec_load", 246, 104, "loads a new kernel"),
  deny("kexec_file_load", 320, 294, "loads a new kernel"),
  deny("init_module", 175, 105, "loads kernel modules"),
  deny("finit_module", 313, 273, "loads kernel modules"),
  deny("delete_module", 176, 106, "unloads kernel modules"),
  deny("acct", 163, 89, "process accounting is host-wide"),
  deny("swapon", 167, 224, "host swap"),
  deny("swapoff", 168, 225, "host swap"),
  deny("reboot", 169, 142, "reboots the host"),
  deny("mount", 165, 40, "the sandbox's mounts are fixed"),
  deny("umount2", 166, 39, "the sandbox's mounts are fixed"),
  deny("pivot_root", 155, 41, "the sandbox's mounts are fixed"),
  deny("open_tree", 428, 428, "new mount API"),
  deny("move_mount", 429, 429, "new mount API"),
  deny("fsopen", 430, 430, "new mount API"),
  deny("fsconfig", 431, 431, "new mount API"),
  deny("fsmount", 432, 432, "new mount API"),
  deny("fspick", 433, 433, "new mount API"),
  deny("mount_setattr", 442, 442, "new mount API"),
  deny("open_tree_attr", 467, 467, "new mount API"),
  deny("open_by_handle_at", 304, 265, "opens files by handle, past the sandbox's mounts"),
  deny("setns", 308, 268, "joins other namespaces"),
  deny("unshare", 272, 97, "new namespaces: kernel attack surface the sandbox already has"),
  deny("clone", 56, 220, "new processes, but not in new namespaces", "namespace-flags"),
  // clone3's flags sit in memory a filter cannot read: libc then falls back to clone
  deny("clone3", 435, 435, "flags a filter cannot check; ENOSYS makes libc use clone", "enosys"),
  // Memory these hold stays when it is unmapped, outside RLIMIT_AS: a memfd up to RLIMIT_FSIZE
  // each (RLIMIT_NOFILE of them), a SysV object until the sandbox's IPC namespace ends. ENOSYS,
  // as on a kernel built without them, so callers fall back (/dev/shm and /tmp are bounded).
  deny("memfd_create", 319, 279, "anonymous files: memory outside every limit", "enosys"),
  deny("memfd_secret", 447, 447, "anonymous files: memory outside every limit", "enosys"),
  deny("shmget", 29, 194, "SysV shared memory: outlives its process, outside RLIMIT_AS", "enosys"),
  deny("msgget", 68, 186, "SysV message queues: kernel memory outside every limit", "enosys"),
  deny("semget", 64, 190, "SysV semaphore arrays: kernel memory outside every limit", "enosys"),
  // the fork server's IPC namespace lives on between stateless runs: a queue would carry over
  deny("mq_open", 240, 180, "POSIX message queues: state one run leaves the next", "enosys"),
  deny("socket", 41, 198, "vsock reaches the host past the network namespace", "socket-family"),
];
