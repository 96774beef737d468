import assert from "node:assert/strict";
import { LimitsSchema } from "../../config/mod.ts";
import { SandboxedPythonRuntime } from "./mod.ts";

Deno.test("a look for the venv begun before pkg.install changed it is not cached", async () => {
  const looks: PromiseWithResolvers<boolean>[] = [];
  const runtime = new SandboxedPythonRuntime(
    { workspaceRoot: "/nonexistent", limits: LimitsSchema.parse({}), insecureNoSandbox: false },
    {
      venvExists: () => {
        const look = Promise.withResolvers<boolean>();
        looks.push(look);
        return look.promise;
      },
    },
  );
  try {
    const ctx = { sessionId: "s", stateDir: "/nonexistent/state/s" };
    const first = runtime.holdsState(ctx);
    await runtime.environmentChanged("s"); // pkg.install made the venv meanwhile
    looks[0]!.resolve(false); // that look began before, and saw none
    assert.equal(await first, false);
    const second = runtime.holdsState(ctx);
    assert.equal(looks.length, 2, "the stale answer was cached");
    looks[1]!.resolve(true);
    assert.equal(await second, true);
    // an answer no change overtook is kept
    assert.equal(await runtime.holdsState(ctx), true);
    assert.equal(looks.length, 2);
  } finally {
    await runtime.close();
  }
});
