import assert from "node:assert/strict";
import { LimitsSchema } from "../../config/mod.ts";
import type { TaskOutcome, TaskRequest } from "../../rpc/mod.ts";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import { ignoreUnless, skipReason } from "../../../tests/support/python_sessions.ts";
import { WorkerExecutor } from "../executor.ts";

const ignore = ignoreUnless("Session environment", await skipReason({ pytest: true }));

const TEST_FILE =
  'import demo_pkg\n\ndef test_value():\n    assert demo_pkg.VALUE == "demo-pkg 2.5.0"\n';

Deno.test({
  name:
    "A package installed in one session serves its run.python and test.run, and no other session",
  ignore,
  async fn() {
    await using index = await startPypiIndex([{ name: "demo-pkg", version: "2.5.0" }]);
    const root = await Deno.makeTempDir({ prefix: "codegen-env-" });
    const executor = new WorkerExecutor({
      workspaceRoot: root,
      limits: LimitsSchema.parse({}),
      insecureNoSandbox: false,
      pipIndexUrl: index.url,
    });
    const exec = (session: string, task: TaskRequest) => executor.execute(session, task);
    const result = (outcome: TaskOutcome) => {
      assert.ok(outcome.ok, outcome.ok ? "" : outcome.error.message);
      return outcome.result as unknown as Record<string, unknown>;
    };
    try {
      for (const s of ["a", "b"]) {
        await executor.createSession(s);
        await exec(s, { tool: "fs.write", args: { path: "test_pkg.py", contents: TEST_FILE } });
      }
      // a stateful interpreter started before the install must pick the package up after it
      result(await exec("a", { tool: "run.python", args: { code: "x = 1", stateful: true } }));

      const install = await exec("a", { tool: "pkg.install", args: { packages: ["demo-pkg"] } });
      assert.deepEqual(result(install).installed, [{ name: "demo-pkg", version: "2.5.0" }]);

      const code = "import demo_pkg; print(demo_pkg.VALUE)";
      const inA = result(await exec("a", { tool: "run.python", args: { code } }));
      assert.equal(inA.stdout, "demo-pkg 2.5.0\n", String(inA.stderr));
      const stateful = result(
        await exec("a", { tool: "run.python", args: { code, stateful: true } }),
      );
      assert.equal(stateful.stdout, "demo-pkg 2.5.0\n", String(stateful.stderr));
      const testsA = result(await exec("a", { tool: "test.run", args: {} }));
      assert.deepEqual([testsA.passed, testsA.errors], [1, 0]);

      const inB = result(await exec("b", { tool: "run.python", args: { code } }));
      assert.equal(inB.exit_code, 1);
      assert.match(String(inB.stderr), /No module named 'demo_pkg'/);
      const testsB = result(await exec("b", { tool: "test.run", args: {} }));
      assert.deepEqual([testsB.passed, testsB.errors], [0, 1]);
    } finally {
      await executor.close();
      await Deno.remove(root, { recursive: true });
    }
  },
});
