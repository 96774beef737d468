import assert from "node:assert/strict";
import { startStdioCoordinator } from "../../../tests/support/coordinator_process.ts";
import { resultText } from "../../../tests/support/sdk_client.ts";
import { withoutBubblewrap } from "./testing.ts";

/**
 * A directory holding a `python3` link to the real interpreter, as a pyenv, conda or
 * Homebrew interpreter would be: first on the PATH the coordinator starts with, it is
 * where Deno resolves the `run` grant "python3", and not where the sandbox's PATH leads.
 */
async function pathWithOwnPython(dir: string): Promise<string> {
  const out = await new Deno.Command("python3", {
    args: ["-c", "import sys; print(sys.executable)"],
  }).output();
  const real = new TextDecoder().decode(out.stdout).trim();
  await Deno.mkdir(`${dir}/bin`);
  await Deno.symlink(real, `${dir}/bin/python3`);
  return `${dir}/bin:/usr/local/bin:/usr/bin:/bin`;
}

async function runPythonWith(args: string[], path: string): Promise<string> {
  await using c = await startStdioCoordinator({ args, env: { PATH: path } });
  const result = await c.client.callTool({ name: "run.python", arguments: { code: "print(1+1)" } });
  assert.notEqual(result.isError, true, resultText(result));
  return resultText(result);
}

Deno.test("--insecure-no-sandbox runs Python when the first python3 on PATH is not the system's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-own-python-" });
  try {
    const text = await runPythonWith(["--insecure-no-sandbox"], await pathWithOwnPython(dir));
    assert.match(text, /^2\n/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "the bubblewrap sandbox runs Python when the first python3 on PATH is not the system's",
  ignore: await withoutBubblewrap(),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "codegen-own-python-" });
    try {
      assert.match(await runPythonWith([], await pathWithOwnPython(dir)), /^2\n/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
