import assert from "node:assert/strict";
import { runMain } from "../../../tests/support/run_main.ts";
import { testLimits, withPythonSession } from "../python/_testing.ts";
import { sandboxLimits } from "../python/launch.ts";
import { hostLimits } from "./host_limits.ts";
import { withoutBubblewrap } from "./testing.ts";

// util-linux's own reading, unlike the python3 child the code under test asks
async function prlimitHardProcessLimit(): Promise<number | undefined> {
  const out = await new Deno.Command("prlimit", {
    args: ["--nproc", "--output=HARD", "--noheadings"],
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.ok(out.success && text !== "", "prlimit reads the limit");
  return text === "unlimited" ? undefined : Number(text);
}

const host = hostLimits();
// The refusal only happens where a session's total can exceed the hard limit: a root worker
// under a finite one (the default 64 needs 2,502 processes a session).
const rootUnderLimit = host.root && host.maxProcesses !== undefined;

Deno.test("hostLimits() reads this process's hard process limit and whether it is root", async () => {
  assert.equal(host.maxProcesses, await prlimitHardProcessLimit());
  assert.equal(host.root, Deno.uid() === 0);
});

Deno.test({
  name: "a root worker whose SANDBOX_MAX_PROCESSES exceeds the host's limit exits 2 on one line",
  ignore: !rootUnderLimit,
  fn: async () => {
    const home = await Deno.makeTempDir({ prefix: "codegen-nproc-" });
    try {
      const env = { HOME: home, SANDBOX_MAX_PROCESSES: "100000" };
      for (const args of [["serve"], ["worker", "--coordinator", "127.0.0.1:1"]]) {
        const run = await runMain(args, env);
        assert.equal(run.code, 2, run.stderr);
        const lines = run.stderr.trim().split("\n");
        assert.equal(lines.length, 1, run.stderr);
        assert.match(lines[0]!, /SANDBOX_MAX_PROCESSES "100000"/);
        assert.match(lines[0]!, new RegExp(`limit \\(RLIMIT_NPROC\\) of ${host.maxProcesses}`));
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a run whose sandbox cannot set its process limit fails as SANDBOX_UNAVAILABLE, not retriable",
  ignore: !rootUnderLimit || await withoutBubblewrap(),
  fn: async () => {
    // the smallest SANDBOX_MAX_PROCESSES a session's sandboxes need more than the host has
    let maxProcesses = 3;
    const limits = () => testLimits({ maxProcesses });
    while (sandboxLimits(limits()).sessionProcesses! <= host.maxProcesses!) maxProcesses++;
    await withPythonSession(async ({ rt, ctx }) => {
      const outcome = await rt.runPython(ctx, { code: "print(1)" });
      assert.ok(!outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.error.code, "SANDBOX_UNAVAILABLE");
      assert.match(outcome.error.message, /resource limit/);
      assert.equal(outcome.error.retriable, false);
    }, { limits: limits() });
  },
});
