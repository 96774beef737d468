import assert from "node:assert/strict";
import { launcherArgs, SECCOMP_REFUSED } from "./close_fds.ts";
import { hostLayout } from "./host_layout.ts";
import { seccompProgram } from "./seccomp_filter.ts";

const arch = Deno.build.arch;
const program = seccompProgram(arch)!;

/** Runs the launcher on the host (no sandbox needed to install a filter) before `argv`. */
async function launch(args: string[], argv: string[]) {
  const [python, ...rest] = args;
  const out = await new Deno.Command(python!, {
    args: [...rest, ...argv],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

const STATUS = ["grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status"];

Deno.test("the launcher installs the filter it is given, then runs the command", async () => {
  const out = await launch(launcherArgs(hostLayout(), { filter: { program, arch } }), STATUS);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^NoNewPrivs:\s+1$/m);
  assert.match(out.stdout, /^Seccomp:\s+2$/m, "SECCOMP_MODE_FILTER");
  const none = await launch(launcherArgs(hostLayout()), STATUS);
  assert.match(none.stdout, /^Seccomp:\s+0$/m, "no filter when given none");
});

Deno.test("the launcher never runs the command when the filter cannot be installed", async () => {
  const other = arch === "x86_64" ? "aarch64" : "x86_64";
  const cases = [
    { program: program.slice(0, 7), arch }, // not whole instructions: the kernel says EINVAL
    { program, arch: other } as const, // another machine's numbers
  ];
  for (const filter of cases) {
    const out = await launch(launcherArgs(hostLayout(), { filter }), ["echo", "ran"]);
    assert.equal(out.code, 126);
    assert.equal(out.stdout, "", "the command did not run");
    assert.ok(out.stderr.startsWith(`${SECCOMP_REFUSED}: `), out.stderr);
  }
});
