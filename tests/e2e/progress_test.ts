import assert from "node:assert/strict";
import { startTestCoordinator } from "../support/in_memory.ts";
import { skipWithout } from "../support/requirements.ts";

const CODE = "import time\nfor i in range(4):\n    print(i, flush=True); time.sleep(0.4)";

Deno.test({
  name: "run.python sends progress only to a request with a progressToken, always increasing",
  ignore: skipWithout("bwrap"),
  async fn() {
    await using t = await startTestCoordinator();
    const { client } = await t.connect();
    // a progress notification for a token the client never sent reaches onerror
    const errors: string[] = [];
    client.onerror = (err) => void errors.push(err.message);
    const progress: number[] = [];
    await client.callTool({ name: "run.python", arguments: { code: CODE } }, undefined, {
      onprogress: (p) => void progress.push(p.progress),
    });
    assert.ok(progress.length >= 2, `progress while it ran: ${progress}`);
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i]! > progress[i - 1]!, `progress increases: ${progress}`);
    }
    // without onprogress the SDK client sends no token: nothing may come for this call
    await client.callTool({ name: "run.python", arguments: { code: CODE } });
    await client.ping(); // anything sent before the answer has been handled by now
    assert.deepEqual(errors, []);
  },
});
