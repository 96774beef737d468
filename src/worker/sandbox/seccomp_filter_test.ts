import assert from "node:assert/strict";
import {
  AF_VSOCK,
  AUDIT_ARCH,
  CLONE_NAMESPACE_FLAGS,
  EAFNOSUPPORT,
  ENOSYS,
  EPERM,
  RET_ALLOW,
  RET_ERRNO,
  RET_KILL_PROCESS,
  seccompProgram,
  X32_SYSCALL_BIT,
} from "./seccomp_filter.ts";
import { DENIED_SYSCALLS, type SeccompArch } from "./seccomp_table.ts";

const ARCHES: SeccompArch[] = ["x86_64", "aarch64"];
const AUDIT_ARCH_I386 = 0x40000003;
const AUDIT_ARCH_ARM = 0x40000028;

/** What the kernel's classic BPF interpreter does with the program's few opcodes. */
function evaluate(program: Uint8Array, call: { arch: number; nr: number; arg0?: number }) {
  const data = new DataView(new ArrayBuffer(64));
  data.setInt32(0, call.nr, true);
  data.setUint32(4, call.arch, true);
  data.setBigUint64(16, BigInt(call.arg0 ?? 0), true);
  const code = new DataView(program.buffer, program.byteOffset, program.byteLength);
  let a = 0;
  let pc = 0;
  for (let steps = 0; steps < program.length / 8; steps++) {
    const op = code.getUint16(pc * 8, true);
    const [jt, jf] = [code.getUint8(pc * 8 + 2), code.getUint8(pc * 8 + 3)];
    const k = code.getUint32(pc * 8 + 4, true);
    const jump = (taken: boolean) => (pc += 1 + (taken ? jt : jf));
    if (op === 0x20) (a = data.getUint32(k, true), pc++);
    else if (op === 0x15) jump(a === k);
    else if (op === 0x35) jump(a >= k);
    else if (op === 0x45) jump((a & k) !== 0);
    else if (op === 0x06) return k;
    else throw new Error(`unexpected opcode ${op}`);
  }
  throw new Error("the program ran past its end or looped");
}

function filterFor(arch: SeccompArch) {
  const program = seccompProgram(arch);
  assert.ok(program);
  return (nr: number, arg0?: number, auditArch = AUDIT_ARCH[arch]) =>
    evaluate(program, { arch: auditArch, nr, arg0 });
}

function numberOf(arch: SeccompArch, name: string): number {
  const call = DENIED_SYSCALLS.find((c) => c.name === name);
  assert.ok(call, name);
  return call[arch];
}

Deno.test("seccompProgram() refuses every listed call with EPERM, clone3 with ENOSYS", () => {
  for (const arch of ARCHES) {
    const filter = filterFor(arch);
    for (const call of DENIED_SYSCALLS.filter((c) => c.rule === "always")) {
      assert.equal(filter(call[arch]), RET_ERRNO | EPERM, `${arch} ${call.name}`);
    }
    // ENOSYS: glibc's pthread_create and posix_spawn then fall back to clone
    assert.equal(filter(numberOf(arch, "clone3")), RET_ERRNO | ENOSYS);
  }
});

Deno.test("seccompProgram() allows every call it does not list", () => {
  for (const arch of ARCHES) {
    const filter = filterFor(arch);
    const listed = new Set(DENIED_SYSCALLS.map((c) => c[arch]));
    for (let nr = 0; nr < 600; nr++) {
      if (!listed.has(nr)) assert.equal(filter(nr), RET_ALLOW, `${arch} ${nr}`);
    }
  }
});

Deno.test("seccompProgram() lets clone make processes and threads but no namespace", () => {
  for (const arch of ARCHES) {
    const filter = filterFor(arch);
    const clone = numberOf(arch, "clone");
    assert.equal(filter(clone, 17), RET_ALLOW, "fork: SIGCHLD");
    assert.equal(filter(clone, 0x3d0f00), RET_ALLOW, "a thread: CLONE_VM|CLONE_THREAD|...");
    for (let bit = 0; bit < 32; bit++) {
      const flag = 2 ** bit;
      if ((CLONE_NAMESPACE_FLAGS & flag) === 0) continue;
      assert.equal(filter(clone, 17 + flag), RET_ERRNO | EPERM, `flag ${flag.toString(16)}`);
    }
    assert.equal(filter(clone, 0x10000000), RET_ERRNO | EPERM, "CLONE_NEWUSER");
  }
});

Deno.test("seccompProgram() refuses memfds and SysV and POSIX IPC objects with ENOSYS, so callers fall back", () => {
  for (const arch of ARCHES) {
    const filter = filterFor(arch);
    for (const name of ["memfd_create", "memfd_secret", "shmget", "msgget", "semget", "mq_open"]) {
      assert.equal(filter(numberOf(arch, name)), RET_ERRNO | ENOSYS, `${arch} ${name}`);
    }
  }
});

Deno.test("seccompProgram() refuses vsock sockets only, with EAFNOSUPPORT", () => {
  for (const arch of ARCHES) {
    const filter = filterFor(arch);
    const socket = numberOf(arch, "socket");
    assert.equal(filter(socket, AF_VSOCK), RET_ERRNO | EAFNOSUPPORT);
    for (const family of [1, 2, 10, 16]) { // unix, inet, inet6, netlink
      assert.equal(filter(socket, family), RET_ALLOW, `${arch} family ${family}`);
    }
  }
});

Deno.test("seccompProgram() allows only the default persona and the query", () => {
  for (const arch of ARCHES) {
    const filter = filterFor(arch);
    const personality = numberOf(arch, "personality");
    assert.equal(filter(personality, 0), RET_ALLOW);
    assert.equal(filter(personality, 0xffffffff), RET_ALLOW);
    assert.equal(filter(personality, 0x0040000), RET_ERRNO | EPERM, "ADDR_NO_RANDOMIZE");
    assert.equal(filter(personality, 0x0400000), RET_ERRNO | EPERM, "READ_IMPLIES_EXEC");
    assert.equal(filter(personality, 0x0008), RET_ERRNO | EPERM, "PER_LINUX32");
  }
});

Deno.test("seccompProgram() kills a call of another ABI, whose numbers mean other calls", () => {
  const x86 = filterFor("x86_64");
  const arm = filterFor("aarch64");
  assert.equal(x86(20, 0, AUDIT_ARCH_I386), RET_KILL_PROCESS, "int 0x80 getpid");
  assert.equal(x86(X32_SYSCALL_BIT | 39), RET_KILL_PROCESS, "x32 getpid");
  assert.equal(x86(X32_SYSCALL_BIT | 321), RET_KILL_PROCESS, "x32 bpf");
  assert.equal(x86(-1), RET_ALLOW, "syscall(-1) only fails with ENOSYS");
  assert.equal(arm(20, 0, AUDIT_ARCH_ARM), RET_KILL_PROCESS, "AArch32");
  assert.equal(x86(39, 0, AUDIT_ARCH.aarch64), RET_KILL_PROCESS);
  assert.equal(arm(172, 0, AUDIT_ARCH.x86_64), RET_KILL_PROCESS);
});

Deno.test("seccompProgram() has no filter for an architecture without a table", () => {
  assert.equal(seccompProgram("riscv64"), undefined);
  assert.equal(seccompProgram("x86_64"), seccompProgram("x86_64"), "built once");
});

Deno.test("DENIED_SYSCALLS names each call once, with one number per architecture", () => {
  const names = DENIED_SYSCALLS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  for (const arch of ARCHES) {
    const numbers = DENIED_SYSCALLS.map((c) => c[arch]);
    assert.equal(new Set(numbers).size, numbers.length, arch);
  }
  for (const call of DENIED_SYSCALLS) assert.ok(call.why.length > 0, call.name);
  // spot checks against the kernel's tables
  assert.deepEqual([numberOf("x86_64", "bpf"), numberOf("aarch64", "bpf")], [321, 280]);
  assert.deepEqual([numberOf("x86_64", "ptrace"), numberOf("aarch64", "ptrace")], [101, 117]);
});
