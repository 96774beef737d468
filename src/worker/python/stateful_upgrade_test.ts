/**
 * What a stateful interpreter holds beyond a call: a package pkg.install replaced after the
 * interpreter imported it (it keeps the module it loaded, and the next call is told so,
 * once), and the session state workspace.stats reports so a moved session is not torn from
 * it.
 */
import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import { ignoreUnless, skipReason } from "../../../tests/support/python_sessions.ts";
import { succeeding, withExecutor } from "../_testing.ts";

const ignore = ignoreUnless("Stateful upgrade", await skipReason());
const WARNING = /^codegen-mcp: demo changed on disk \(pkg\.install\) after this interpreter/;

Deno.test({
  name: "a stateful call after pkg.install replaced an imported package says so, once",
  ignore,
  async fn() {
    await using index = await startPypiIndex([
      { name: "demo", version: "1.0" },
      { name: "demo", version: "2.0" },
      { name: "other", version: "1.0" },
    ]);
    await withExecutor(async (executor) => {
      const exec = succeeding(executor, "s");
      await executor.createSession("s");
      const run = (code: string) => exec({ tool: "run.python", args: { code, stateful: true } });
      await exec({ tool: "pkg.install", args: { packages: ["demo==1.0"] } });
      // a venv and no file: more than files to lose if the session moved
      const stats = await exec({ tool: "workspace.stats", args: {} });
      assert.deepEqual(stats, { workspace_bytes: 0, file_count: 0, has_state: true });
      const first = await run("import demo\nprint(demo.VALUE)");
      assert.equal(first.stdout, "demo 1.0\n", String(first.stderr));
      // a package the interpreter never imported changes nothing it runs
      await exec({ tool: "pkg.install", args: { packages: ["other"] } });
      assert.equal((await run("print(demo.VALUE)")).stderr, "");
      await exec({ tool: "pkg.install", args: { packages: ["demo==2.0"] } });
      const stale = await run("print(demo.VALUE)");
      assert.equal(stale.stdout, "demo 1.0\n");
      assert.match(String(stale.stderr), WARNING);
      assert.equal((await run("print(demo.VALUE)")).stderr, "", "told once");
      // ending the interpreter, as the warning says, loads the new version
      await run("import os\nos._exit(0)");
      const fresh = await run("import demo\nprint(demo.VALUE)");
      assert.equal(fresh.stdout, "demo 2.0\n");
      assert.doesNotMatch(String(fresh.stderr), WARNING);
    }, { pipIndexUrl: index.url });
  },
});

Deno.test({
  name: "workspace.stats says whether a session holds more than files: a running interpreter",
  ignore,
  async fn() {
    await withExecutor(async (executor) => {
      const exec = succeeding(executor, "s");
      await executor.createSession("s");
      const stats = () => exec({ tool: "workspace.stats", args: {} });
      assert.deepEqual(await stats(), { workspace_bytes: 0, file_count: 0 });
      await exec({ tool: "run.python", args: { code: "x = 1", stateful: true } });
      assert.equal((await stats()).has_state, true, "its variables live in the interpreter");
      await exec({ tool: "run.python", args: { code: "import os\nos._exit(0)", stateful: true } });
      assert.equal((await stats()).has_state, undefined, "nothing left once it ended");
    });
  },
});
