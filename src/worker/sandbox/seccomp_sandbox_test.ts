/**
 * The seccomp filter in a real sandbox: what it refuses, what it must not break.
 * @module
 */
import assert from "node:assert/strict";
import { withoutBubblewrap } from "./testing.ts";
import { BubblewrapRunner } from "./bubblewrap_runner.ts";
import type { SandboxResult } from "./runner.ts";
import { DENIED_SYSCALLS } from "./seccomp_table.ts";

const ignore = await withoutBubblewrap();
const arch = Deno.build.arch;

async function sandboxed(code: string): Promise<SandboxResult> {
  const ws = await Deno.makeTempDir({ prefix: "codegen-seccomp-" });
  try {
    return await new BubblewrapRunner().run({
      argv: ["python3", "-c", code],
      workspace: ws,
      env: { PATH: "/usr/bin:/bin", HOME: "/tmp", LANG: "C.UTF-8" },
      limits: { cpuSeconds: 20, memoryBytes: 1 << 30, maxProcesses: 32, maxFileBytes: 1 << 20 },
      timeoutMs: 30_000,
      outputLimitBytes: 16_384,
    });
  } finally {
    await Deno.remove(ws, { recursive: true });
  }
}

const SYSCALL = "import ctypes, json, os\n" +
  "libc = ctypes.CDLL(None, use_errno=True)\n" +
  "libc.syscall.restype = ctypes.c_long\n" +
  "def call(nr, *args):\n" +
  "    ctypes.set_errno(0)\n" +
  "    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])\n" +
  "    return [r, ctypes.get_errno()]\n";

/**
 * Arguments that, unfiltered, make the call succeed or fail with another errno than EPERM
 * where the sandbox lets it (the rest need capabilities the sandbox lacks anyway).
 */
const ARGUMENTS: Record<string, string> = {
  ptrace: "0", // PTRACE_TRACEME: succeeds
  userfaultfd: "1", // UFFD_USER_MODE_ONLY: succeeds for unprivileged users
  keyctl: "0, -2, 1", // KEYCTL_GET_KEYRING_ID of the process keyring: succeeds
  bpf: "999, 0, 0", // EINVAL
  perf_event_open: "0, 0, -1, -1, 0", // EFAULT
  io_uring_setup: "1, 0", // EFAULT
  io_uring_enter: "-1, 0, 0, 0, 0, 0", // EBADF
  io_uring_register: "-1, 0, 0, 0", // EBADF
  process_vm_readv: "os.getpid(), 0, 0, 0, 0, 0", // succeeds
  process_vm_writev: "os.getpid(), 0, 0, 0, 0, 0", // succeeds
  kcmp: "os.getpid(), os.getpid(), 0, 0, 0", // KCMP_FILE 0 with itself: succeeds
  pidfd_getfd: "-1, 0, 0", // EBADF
  personality: "0x0040000", // ADDR_NO_RANDOMIZE: succeeds
  setns: "-1, 0", // EBADF
  unshare: "0x10000000", // CLONE_NEWUSER: ENOSPC (no user namespaces left)
  clone: "0x10010000, 0, 0, 0, 0", // CLONE_NEWUSER|CLONE_THREAD: EINVAL
  clone3: "0, 0", // EINVAL
  memfd_create: "0, 0", // EFAULT
  memfd_secret: "0", // succeeds where the kernel has secret memory, else ENOSYS
  shmget: "0, 4096, 0o600", // IPC_PRIVATE: succeeds
  msgget: "0, 0o600", // succeeds
  semget: "0, 1, 0o600", // succeeds
  mq_open: "0, 0", // EFAULT
  socket: "40, 1, 0", // AF_VSOCK, SOCK_STREAM: succeeds where the kernel has vsock
};

Deno.test({
  name: "sandboxed code gets EPERM from every refused call (ENOSYS, EAFNOSUPPORT as listed)",
  ignore,
  async fn() {
    const calls = DENIED_SYSCALLS.map((c) =>
      `"${c.name}": call(${c[arch]}, ${ARGUMENTS[c.name] ?? ""})`
    );
    const names = new Set(DENIED_SYSCALLS.map((c) => c.name));
    assert.deepEqual(Object.keys(ARGUMENTS).filter((name) => !names.has(name)), []);
    const result = await sandboxed(`${SYSCALL}print(json.dumps({${calls.join(", ")}}))`);
    assert.equal(result.exitCode, 0, result.stderr);
    const got: Record<string, [number, number]> = JSON.parse(result.stdout);
    for (const call of DENIED_SYSCALLS) {
      const errno = call.rule === "enosys" ? 38 : call.rule === "socket-family" ? 97 : 1;
      assert.deepEqual(got[call.name], [-1, errno], call.name);
    }
  },
});

Deno.test({
  name: "sandboxed code runs under the filter with no_new_privs, and may still query its persona",
  ignore,
  async fn() {
    const personality = DENIED_SYSCALLS.find((c) => c.name === "personality")![arch];
    const code = `${SYSCALL}\n` +
      "status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines())\n" +
      "print(status['Seccomp'].strip(), status['NoNewPrivs'].strip(), " +
      `call(${personality}, 0xffffffff), call(${personality}, 0))`;
    const result = await sandboxed(code);
    assert.equal(result.exitCode, 0, result.stderr);
    // 2: SECCOMP_MODE_FILTER
    assert.equal(result.stdout.trim(), "2 1 [0, 0] [0, 0]");
  },
});

const NORMAL_PROGRAM = String.raw`
import asyncio, mmap, multiprocessing, os, socket, subprocess, sys, tempfile, threading
out = []
# threads
results = []
threads = [threading.Thread(target=results.append, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
out.append("threads %d" % len(results))
# subprocesses, by fork+exec and posix_spawn
child = subprocess.run([sys.executable, "-c", "print('child')"], capture_output=True, text=True)
out.append(child.stdout.strip())
pid = os.posix_spawn("/bin/true", ["true"], {})
out.append("spawn %d" % os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
# multiprocessing, forked and spawned
for method in ("fork", "spawn"):
    with multiprocessing.get_context(method).Pool(2) as pool:
        out.append("%s %d" % (method, sum(pool.map(abs, [-1, -2, -3]))))
# sockets: no network, but loopback, unix sockets and socket creation work
srv = socket.create_server(("127.0.0.1", 0))
cli = socket.create_connection(srv.getsockname(), timeout=5)
conn, _ = srv.accept()
cli.sendall(b"ping")
out.append("tcp " + conn.recv(4).decode())
for s in (srv, cli, conn): s.close()
a, b = socket.socketpair()
a.sendall(b"pong")
out.append("unix " + b.recv(4).decode())
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()
# asyncio (epoll), files, mmap
async def main():
    await asyncio.sleep(0)
    return "asyncio ok"
out.append(asyncio.run(main()))
with open("/workspace/data.bin", "wb") as f:
    f.write(b"x" * 8192)
with open("/workspace/data.bin", "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
    m[0:5] = b"hello"
with open("/workspace/data.bin", "rb") as f:
    out.append("file " + f.read(5).decode())
anon = mmap.mmap(-1, 1 << 20)
anon[:3] = b"abc"
out.append("mmap " + anon[:3].decode())
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "t"), "w").write("tmp")
    out.append(open(os.path.join(d, "t")).read())
print("\n".join(out))
`;

Deno.test({
  name: "a normal program still works under the filter: threads, processes, sockets, files, mmap",
  ignore,
  async fn() {
    const result = await sandboxed(NORMAL_PROGRAM);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), [
      "threads 8",
      "child",
      "spawn 0",
      "fork 6",
      "spawn 6",
      "tcp ping",
      "unix pong",
      "asyncio ok",
      "file hello",
      "mmap abc",
      "tmp",
    ]);
  },
});

/** Runs `body` (which returns an int) in a forked child; prints the child's signal or value. */
const IN_CHILD = String.raw`
import ctypes, mmap, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def in_child(body):
    pid = os.fork()
    if pid == 0:
        try:
            os.write(1, b"returned %d\n" % body())
        finally:
            os._exit(0)
    status = os.waitpid(pid, 0)[1]
    if os.WIFSIGNALED(status):
        print("signal %d" % os.WTERMSIG(status))
def x32_getpid():
    return libc.syscall(ctypes.c_long(0x40000000 | 39))
def i386_getpid():
    page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(b"\xb8\x14\x00\x00\x00\xcd\x80\xc3")  # mov eax, 20 (getpid); int 0x80; ret
    return ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(page)))()
`;

Deno.test({
  name: "on x86_64 a 32-bit or x32 system call kills the sandboxed process (SIGSYS)",
  ignore: ignore || arch !== "x86_64",
  async fn() {
    const code = `${IN_CHILD}in_child(x32_getpid)\nin_child(i386_getpid)\n`;
    // without the filter: x32 fails with ENOSYS (or runs), int 0x80 runs where the kernel
    // has 32-bit emulation, and faults (SIGSEGV) where it has not
    const host = await new Deno.Command("/usr/bin/python3", {
      args: ["-I", "-S", "-c", code],
      stdout: "piped",
    }).output();
    const unfiltered = new TextDecoder().decode(host.stdout).trim().split("\n");
    const result = await sandboxed(code);
    assert.equal(result.exitCode, 0, result.stderr);
    const [x32, i386] = result.stdout.trim().split("\n");
    assert.equal(x32, "signal 31", `x32 (unfiltered: ${unfiltered[0]})`);
    if (unfiltered[1]?.startsWith("returned")) assert.equal(i386, "signal 31", "int 0x80");
    else assert.notEqual(i386?.split(" ")[0], "returned", "int 0x80");
  },
});
