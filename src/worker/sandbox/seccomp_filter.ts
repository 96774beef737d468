/**
 * The seccomp filter of every sandboxed command, as a classic BPF program built from
 * {@link DENIED_SYSCALLS}: a call of another ABI (32-bit or x32 on x86_64, where the
 * numbers mean other calls) kills the process; a listed call fails as its rule says;
 * anything else is allowed. Built here rather than in the launcher so it is made once per
 * worker and can be checked without a kernel.
 * @module
 */
import {
  DENIED_SYSCALLS,
  type DeniedSyscall,
  type DenyRule,
  type SeccompArch,
} from "./seccomp_table.ts";

/** `AUDIT_ARCH_*`: what seccomp_data.arch holds for a native call. */
export const AUDIT_ARCH: Record<SeccompArch, number> = {
  x86_64: 0xc000003e,
  aarch64: 0xc00000b7,
};
/** On x86_64, the bit x32 calls carry in their number. */
export const X32_SYSCALL_BIT = 0x40000000;
/** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** AF_VSOCK: talks to the hypervisor or VM host, and no network namespace confines it. */
export const AF_VSOCK = 40;
/** The persona values `personality` accepts: the default, and the query. */
export const ALLOWED_PERSONAS = [0, 0xffffffff] as const;

/** Filter results (SECCOMP_RET_*). */
export const RET_KILL_PROCESS = 0x80000000;
export const RET_ERRNO = 0x00050000;
export const RET_ALLOW = 0x7fff0000;
export const EPERM = 1;
export const ENOSYS = 38;
export const EAFNOSUPPORT = 97;

// classic BPF: ld [k] (32 bits), jeq/jge/jset #k, ret #k
const LD_ABS = 0x20;
const JEQ = 0x15;
const JGE = 0x35;
const JSET = 0x45;
const RET = 0x06;
// struct seccomp_data: nr, arch, instruction pointer, then six 64-bit arguments
const NR = 0;
const ARCH = 4;
const ARG0_LOW = 16; // both architectures are little-endian

/** An instruction whose jumps name labels; "" falls through to the next one. */
interface Insn {
  code: number;
  k: number;
  jt?: string;
  jf?: string;
  label?: string;
}

const RULE_TARGET: Record<DenyRule, string> = {
  "always": "eperm",
  "namespace-flags": "clone-flags",
  "foreign-persona": "persona",
  "enosys": "enosys",
  "socket-family": "socket-family",
};

function program(arch: SeccompArch, denied: readonly DeniedSyscall[] = DENIED_SYSCALLS): Insn[] {
  const p: Insn[] = [
    { code: LD_ABS, k: ARCH },
    { code: JEQ, k: AUDIT_ARCH[arch], jf: "kill" },
    { code: LD_ABS, k: NR },
  ];
  if (arch === "x86_64") {
    // syscall(-1) just fails with ENOSYS; every other number this high is x32's
    p.push({ code: JEQ, k: 0xffffffff, jt: "allow" });
    p.push({ code: JGE, k: X32_SYSCALL_BIT, jt: "kill" });
  }
  for (const call of denied) {
    p.push({ code: JEQ, k: call[arch], jt: RULE_TARGET[call.rule] });
  }
  p.push(
    { code: RET, k: RET_ALLOW },
    { label: "clone-flags", code: LD_ABS, k: ARG0_LOW },
    { code: JSET, k: CLONE_NAMESPACE_FLAGS, jt: "eperm", jf: "allow" },
    { label: "persona", code: LD_ABS, k: ARG0_LOW },
    ...ALLOWED_PERSONAS.map((k) => ({ code: JEQ, k, jt: "allow" })),
    { code: RET, k: RET_ERRNO | EPERM },
    { label: "socket-family", code: LD_ABS, k: ARG0_LOW },
    { code: JEQ, k: AF_VSOCK, jt: "eafnosupport", jf: "allow" },
    { label: "allow", code: RET, k: RET_ALLOW },
    { label: "eperm", code: RET, k: RET_ERRNO | EPERM },
    { label: "enosys", code: RET, k: RET_ERRNO | ENOSYS },
    { label: "eafnosupport", code: RET, k: RET_ERRNO | EAFNOSUPPORT },
    { label: "kill", code: RET, k: RET_KILL_PROCESS },
  );
  return p;
}

/** Resolves labels to forward offsets and packs `struct sock_filter`s (little-endian). */
function assemble(insns: Insn[]): Uint8Array {
  const at = new Map<string, number>();
  insns.forEach((insn, i) => insn.label && at.set(insn.label, i));
  const offset = (from: number, label: string | undefined) => {
    if (!label) return 0;
    const to = at.get(label);
    const jump = to === undefined ? -1 : to - from - 1;
    if (jump < 0 || jump > 255) throw new Error(`seccomp filter: cannot jump to "${label}"`);
    return jump;
  };
  const bytes = new Uint8Array(insns.length * 8);
  const view = new DataView(bytes.buffer);
  insns.forEach((insn, i) => {
    view.setUint16(i * 8, insn.code, true);
    view.setUint8(i * 8 + 2, offset(i, insn.jt));
    view.setUint8(i * 8 + 3, offset(i, insn.jf));
    view.setUint32(i * 8 + 4, insn.k, true);
  });
  return bytes;
}

const built = new Map<string, Uint8Array>();

// Assembled once per architecture and table.
function cached(
  arch: string,
  name: string,
  denied: readonly DeniedSyscall[],
): Uint8Array | undefined {
  if (arch !== "x86_64" && arch !== "aarch64") return undefined;
  const key = `${name}:${arch}`;
  let bytes = built.get(key);
  if (!bytes) built.set(key, bytes = assemble(program(arch, denied)));
  return bytes;
}

/**
 * The filter for `arch` as `struct sock_filter` bytes, or undefined for an architecture
 * whose system call numbers the table does not hold.
 */
export function seccompProgram(arch: string): Uint8Array | undefined {
  return cached(arch, "sandbox", DENIED_SYSCALLS);
}

// starting a program: what a process that must run no other program is refused
const EXEC_CALLS: readonly DeniedSyscall[] = [
  { name: "execve", x86_64: 59, aarch64: 221, rule: "always", why: "starts a program" },
  { name: "execveat", x86_64: 322, aarch64: 281, rule: "always", why: "starts a program" },
];

/**
 * A filter refusing `execve` and `execveat` (EPERM), to stack on the sandbox's own in a
 * process that must start no other program (pip downloading wheels); undefined for an
 * architecture the table does not hold.
 */
export function execDenyProgram(arch: string): Uint8Array | undefined {
  return cached(arch, "exec", EXEC_CALLS);
}
