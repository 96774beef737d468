/**
 * An install that fails part way keeps what pip installed before the failure: the runs
 * after it must see those packages as a fresh python3 would.
 */
import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import { ignoreUnless, skipReason } from "../../../tests/support/python_sessions.ts";
import { succeeding, withExecutor } from "../_testing.ts";

const ignore = ignoreUnless("Partial installs", await skipReason());

Deno.test({
  name: "a run after an install that failed part way sees the packages pip did install",
  ignore,
  fn: async () => {
    await using index = await startPypiIndex([
      { name: "first", version: "1.0" },
      {
        name: "path-pth",
        version: "1.0",
        files: { "path_pth.pth": "path_pth_extra\n", "path_pth_extra/extra_mod.py": "X = 7\n" },
      },
      // installed after its dependency, then refused: a file outside the venv
      { name: "broken", version: "1.0", requires: ["path-pth"], files: { "../../../../x.py": "" } },
    ]);
    await withExecutor(async (executor) => {
      const exec = succeeding(executor, "s");
      await executor.createSession("s");
      await exec({ tool: "pkg.install", args: { packages: ["first"] } });
      // the session's fork server is up, and its next run's process set up site already
      assert.equal((await exec({ tool: "run.python", args: { code: "print(1)" } })).stdout, "1\n");
      const install = await exec({ tool: "pkg.install", args: { packages: ["broken"] } });
      assert.notEqual(install.exit_code, 0);
      const code = "import extra_mod\nprint(extra_mod.X)";
      const run = await exec({ tool: "run.python", args: { code } });
      assert.equal(run.stdout, "7\n", String(run.stderr));
    }, { pipIndexUrl: index.url });
  },
});
