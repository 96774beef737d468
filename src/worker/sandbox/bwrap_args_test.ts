import assert from "node:assert/strict";
import { bwrapArgs, chownArgs, limitArgs, MAX_OPEN_FILES } from "./bwrap_args.ts";
import type { HostLayout } from "./host_layout.ts";
import type { SandboxLaunchSpec } from "./runner.ts";

const layout: HostLayout = {
  symlinks: [{ path: "/bin", target: "usr/bin" }],
  dirs: ["/usr"],
  etc: ["/etc/ld.so.cache", "/etc/ssl/certs"],
  etcNetwork: ["/etc/resolv.conf"],
  tools: {
    prlimit: "/usr/bin/prlimit",
    setpriv: "/usr/bin/setpriv",
    chown: "/usr/bin/chown",
    bwrap: "/usr/bin/bwrap",
    python3: "/usr/local/bin/python3",
  },
};
const spec: SandboxLaunchSpec = {
  argv: ["python3", "-c", "print(1)"],
  workspace: "/srv/ws/s1",
  env: { PATH: "/usr/bin" },
  limits: { cpuSeconds: 7, memoryBytes: 1000, maxProcesses: 9, maxFileBytes: 500 },
};

/** The command line up to the descriptor closer that precedes the command. */
function beforeCloser(args: string[]): string[] {
  const at = args.indexOf("/usr/local/bin/python3");
  assert.deepEqual(args.slice(at, at + 4), ["/usr/local/bin/python3", "-I", "-S", "-c"]);
  assert.deepEqual(args.slice(at + 5), spec.argv, "the closer runs the command itself");
  return args.slice(0, at);
}

function pairs(args: string[], flag: string): string[][] {
  return args.flatMap((a, i) => (a === flag ? [args.slice(i + 1, i + 3)] : []));
}

Deno.test("bwrapArgs isolates the network unless the spec asks for it", () => {
  const closed = bwrapArgs(spec, { layout });
  assert.ok(closed.includes("--unshare-net"));
  assert.ok(!closed.includes("/etc/resolv.conf"));
  const open = bwrapArgs({ ...spec, network: true }, { layout });
  assert.ok(!open.includes("--unshare-net"));
  assert.deepEqual(pairs(open, "--ro-bind-try").at(-1), ["/etc/resolv.conf", "/etc/resolv.conf"]);
});

Deno.test("bwrapArgs binds the workspace writable and mounts as asked, the system read-only", () => {
  const args = bwrapArgs({
    ...spec,
    mounts: [{ host: "/state/venv", sandbox: "/venv", writable: false }],
  }, { layout });
  assert.deepEqual(pairs(args, "--bind"), [["/srv/ws/s1", "/workspace"]]);
  assert.deepEqual(pairs(args, "--ro-bind"), [["/usr", "/usr"], ["/state/venv", "/venv"]]);
  assert.deepEqual(pairs(args, "--symlink"), [["usr/bin", "/bin"]]);
  assert.ok(args.includes("--die-with-parent") && args.includes("--new-session"));
  assert.equal(args[args.indexOf("--cap-drop") + 1], "ALL");
  assert.ok(!args.includes("--cap-add"), "an unprivileged launch adds no capability");
});

Deno.test("bwrapArgs applies the rlimits before the command", () => {
  const args = bwrapArgs(spec, { layout });
  const tail = beforeCloser(args.slice(args.indexOf("--") + 1));
  assert.deepEqual(tail, [
    "/usr/bin/prlimit",
    "--cpu=7:8",
    "--as=1000",
    "--nproc=9",
    "--fsize=500",
    `--nofile=${MAX_OPEN_FILES}`,
    "--core=0",
    "--",
  ]);
  // not root: its own user namespace, where RLIMIT_NPROC is counted
  assert.ok(args.includes("--unshare-user"));
});

Deno.test("limitArgs uses a hard CPU limit of its own when given one", () => {
  const args = limitArgs(layout, { ...spec.limits, cpuHardSeconds: 70 });
  assert.ok(args.includes("--cpu=7:70"), args.join(" "));
});

Deno.test("bwrapArgs under a root worker drops to the given uid with no capabilities", () => {
  const args = bwrapArgs(spec, { layout, dropToUid: 1234 });
  assert.ok(!args.includes("--unshare-user"));
  const at = args.indexOf("/usr/bin/setpriv");
  assert.ok(at > args.indexOf("/usr/bin/prlimit"));
  assert.deepEqual(args.slice(at, at + 7), [
    "/usr/bin/setpriv",
    "--reuid=1234",
    "--regid=1234",
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--",
  ]);
  assert.equal(beforeCloser(args).at(-1), "--", "the closer comes right after setpriv");
});

Deno.test("bwrapArgs can add an unprivileged user namespace that allows no further ones", () => {
  const args = bwrapArgs(spec, { layout, dropToUid: 1234, nestedUserns: true });
  const at = args.indexOf("/usr/bin/bwrap");
  assert.ok(at > args.indexOf("/usr/bin/setpriv"), "after the uid drop");
  assert.deepEqual(args.slice(at, at + 4), [
    "/usr/bin/bwrap",
    "--unshare-user",
    "--disable-userns",
    "--dev-bind",
  ]);
  beforeCloser(args);
});

Deno.test("bwrapArgs under a root worker: the session's process total first, then each sandbox's", () => {
  const limits = { ...spec.limits, sessionProcesses: 90 };
  const nested = bwrapArgs({ ...spec, limits }, { layout, dropToUid: 1234, nestedUserns: true });
  // the session's total before the uid drop; the sandbox's own inside its user namespace
  assert.ok(nested.indexOf("--nproc=90") < nested.indexOf("/usr/bin/setpriv"));
  assert.deepEqual(beforeCloser(nested).slice(-4), ["--", "/usr/bin/prlimit", "--nproc=9", "--"]);
  // no user namespace of its own: the session shares maxProcesses, whatever the total
  const shared = bwrapArgs({ ...spec, limits }, { layout, dropToUid: 1234 });
  assert.ok(shared.includes("--nproc=9") && !shared.includes("--nproc=90"));
  assert.equal(shared.filter((a) => a === "/usr/bin/prlimit").length, 1);
  // not root: a user namespace of its own, where RLIMIT_NPROC counts its processes only
  const user = bwrapArgs({ ...spec, limits }, { layout });
  assert.ok(user.includes("--nproc=9") && !user.includes("--nproc=90"));
});

Deno.test("bwrapArgs with reportExit: the launcher waits, and its process is one more", () => {
  const limits = { ...spec.limits, sessionProcesses: 90 };
  const plain = (args: string[]) => args.filter((a) => a.startsWith("--nproc="));
  const report = { layout, reportExit: true };
  const user = bwrapArgs({ ...spec, limits }, report);
  assert.deepEqual(plain(user), ["--nproc=10"]);
  const code = beforeCloser(user).length + 4;
  assert.match(user[code]!, /os\.waitpid/);
  assert.doesNotMatch(bwrapArgs(spec, { layout })[code]!, /os\.waitpid/);
  // the session's total is the caller's: it already counts the waiting launcher
  const nested = bwrapArgs({ ...spec, limits }, { ...report, dropToUid: 1234, nestedUserns: true });
  assert.deepEqual(plain(nested), ["--nproc=90", "--nproc=10"]);
  const shared = bwrapArgs({ ...spec, limits }, { ...report, dropToUid: 1234 });
  assert.deepEqual(plain(shared), ["--nproc=10"]);
});

Deno.test("chownArgs re-owns only the given directories, inside a sandbox without network", () => {
  const args = chownArgs(["/srv/ws/s1", "/state/venv"], { layout, uid: 42 });
  assert.ok(args.includes("--unshare-net"));
  assert.deepEqual(pairs(args, "--bind"), [["/srv/ws/s1", "/target/0"], [
    "/state/venv",
    "/target/1",
  ]]);
  assert.deepEqual(args.slice(-6), [
    "/usr/bin/chown",
    "-R",
    "-h",
    "42:42",
    "/target/0",
    "/target/1",
  ]);
});

Deno.test("bwrapArgs installs the seccomp filter right before the command unless told not to", () => {
  const launcher = (args: string[]) => args[args.indexOf("/usr/local/bin/python3") + 4]!;
  const filtered = launcher(bwrapArgs(spec, { layout }));
  const install = filtered.indexOf("_seccomp(bytes.fromhex(");
  assert.ok(install > 0, "the filter is installed");
  assert.ok(filtered.indexOf("os.close(_fd)") < install, "after the descriptors are closed");
  assert.ok(install < filtered.indexOf("os.execvp("), "before the command");
  const nested = launcher(bwrapArgs(spec, { layout, dropToUid: 1234, nestedUserns: true }));
  assert.equal(nested, filtered, "the nested bwrap comes before it, unfiltered");
  const plain = launcher(bwrapArgs(spec, { layout, seccomp: false }));
  assert.ok(!plain.includes("_seccomp"));
});
