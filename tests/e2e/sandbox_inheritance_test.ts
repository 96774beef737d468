/**
 * What user code inherits from the process that started the coordinator: a descriptor the
 * coordinator was started with (by a shell, a service manager, an MCP client) and never
 * marked close-on-exec must not reach a run, whichever Python tool runs it.
 * @module
 */
import assert from "node:assert/strict";
import { skipWithout } from "../support/requirements.ts";
import { Client, resultText, StdioClientTransport } from "../support/sdk_client.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const ignore = skipWithout("bwrap", "sh");

/** Prints where each descriptor of the run leads (the listing's own is gone by then). */
const LIST_FDS = "import os\nfor n in os.listdir('/proc/self/fd'):\n" +
  "    try:\n        print(n, os.readlink('/proc/self/fd/' + n))\n" +
  "    except OSError:\n        pass\n";

Deno.test({
  name: "run.python, stateful runs and test.run see no descriptor the coordinator inherited",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "codegen-fds-" });
    const outside = `${dir}/outside-the-sandbox.txt`;
    await Deno.writeTextFile(outside, "not for the sandbox\n");
    // the shell opens fd 9 without close-on-exec, as a parent process might, then becomes deno
    const transport = new StdioClientTransport({
      command: "sh",
      args: [
        "-c",
        'exec 9<"$0"; exec "$@"',
        outside,
        Deno.execPath(),
        "run",
        "-P=coordinator",
        "--ignore-env",
        "--quiet",
        MAIN,
        "serve",
      ],
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: dir,
        WORKSPACE_ROOT: `${dir}/workspaces`,
        AUDIT_LOG: `${dir}/audit/audit.jsonl`,
        LOG_LEVEL: "warn",
      },
      stderr: "pipe",
    });
    const client = new Client({ name: "e2e-fds", version: "1.0.0" });
    try {
      await client.connect(transport);
      const call = (name: string, args: Record<string, unknown>) =>
        client.callTool({ name, arguments: args });

      for (const stateful of [false, true]) {
        const run = await call("run.python", { code: LIST_FDS, stateful });
        const stdout = (run.structuredContent as { stdout: string }).stdout;
        assert.equal(run.isError, undefined, resultText(run));
        assert.match(stdout, /^1 /m, "the listing ran");
        assert.ok(!stdout.includes("outside-the-sandbox"), `stateful=${stateful}:\n${stdout}`);
      }

      const test = "import os\n\ndef test_no_inherited_descriptor():\n" +
        "    for n in os.listdir('/proc/self/fd'):\n        try:\n" +
        "            target = os.readlink('/proc/self/fd/' + n)\n" +
        "        except OSError:\n            continue\n" +
        "        assert 'outside-the-sandbox' not in target, n\n";
      await call("fs.write", { path: "test_fds.py", contents: test });
      const tested = await call("test.run", { path: "test_fds.py" });
      const summary = tested.structuredContent as { passed: number; failed: number };
      assert.deepEqual([summary.passed, summary.failed], [1, 0], resultText(tested));
    } finally {
      await client.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
