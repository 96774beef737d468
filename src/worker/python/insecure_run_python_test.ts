import assert from "node:assert/strict";
import { InsecureRunner } from "../sandbox/mod.ts";
import { testLimits, TestRoot } from "./_testing.ts";
import { SandboxedPythonRuntime } from "./mod.ts";

Deno.test("run.python without a sandbox (explicit opt-out) runs code, files and stateful calls", async () => {
  await using root = await TestRoot.create();
  const rt = new SandboxedPythonRuntime(
    { workspaceRoot: root.root, limits: testLimits(), insecureNoSandbox: true },
    { runner: new InsecureRunner() },
  );
  try {
    const ctx = await root.ctx("s1");
    await Deno.writeTextFile(
      `${ctx.workspace}/main.py`,
      "import os\nprint(os.getcwd(), __file__)\n",
    );
    const code = await rt.runPython(ctx, { code: "print('hi')" });
    assert.ok(code.ok && code.result.stdout === "hi\n", JSON.stringify(code));
    const file = await rt.runPython(ctx, { file: "main.py" });
    assert.ok(file.ok, JSON.stringify(file));
    assert.equal(file.result.stdout, `${ctx.workspace} ${ctx.workspace}/main.py\n`);
    await rt.runPython(ctx, { code: "x = 41", stateful: true });
    const next = await rt.runPython(ctx, { code: "print(x + 1)", stateful: true });
    assert.ok(next.ok && next.result.stdout === "42\n", JSON.stringify(next));
  } finally {
    await rt.close();
  }
});
