import assert from "node:assert/strict";
import { ArgumentBudget } from "../../src/mcp/mod.ts";
import { resultText } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";
import { ignoreUnless, skipReason } from "../support/python_sessions.ts";

const ignore = ignoreUnless("Argument budget", await skipReason());
const KiB = 1024;

Deno.test({
  name:
    "stateful runs waiting their turn hold their code: past the session's share, LIMIT_EXCEEDED",
  ignore,
  async fn() {
    await using t = await startTestCoordinator();
    t.coordinator.deps.arguments = new ArgumentBudget(4096 * KiB, 500 * KiB);
    const { client } = await t.connect();
    // the session's interpreter is busy, so the calls after it wait their turn
    const busy = client.callTool({
      name: "run.python",
      arguments: { code: "import time; time.sleep(2)", stateful: true },
    });
    const code = (n: number) => `x = ${n}\n#${"-".repeat(200 * KiB)}`;
    const waiting = [1, 2].map((n) =>
      client.callTool({ name: "run.python", arguments: { code: code(n), stateful: true } })
    );
    await new Promise((r) => setTimeout(r, 200));
    const over = await client.callTool({
      name: "run.python",
      arguments: { code: code(3), stateful: true },
    });
    assert.equal(over.isError, true);
    assert.match(resultText(over), /^LIMIT_EXCEEDED: The call's 0.2 MiB of arguments do not fit/);
    assert.deepEqual(
      (over._meta as Record<string, unknown>)["codegen-mcp/error"],
      { code: "LIMIT_EXCEEDED", retriable: true },
    );
    const record = t.audit.records.find((r) => r.error_code === "LIMIT_EXCEEDED");
    assert.equal(record?.tool, "run.python");
    assert.equal(record?.decision, "denied");

    for (const r of [await busy, ...(await Promise.all(waiting))]) {
      assert.equal(r.isError, undefined, resultText(r));
    }
    // given back: the same call fits now
    const again = await client.callTool({
      name: "run.python",
      arguments: { code: code(4) + "\nprint(x)", stateful: true },
    });
    assert.equal(again.isError, undefined, resultText(again));
    assert.equal(t.coordinator.deps.arguments.used, 0);
  },
});
