import assert from "node:assert/strict";
import { startStdioCoordinator } from "../support/coordinator_process.ts";
import { resultText } from "../support/sdk_client.ts";
import { ignoreUnless } from "../support/python_sessions.ts";

// prlimit comes with util-linux, which .ci/run installs: under CI its absence fails the test
const hasPrlimit = await new Deno.Command("prlimit", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success, () => false);
const ignore = ignoreUnless(
  "file-size limit",
  hasPrlimit || Deno.env.get("CI") ? undefined : "prlimit is not installed",
);

Deno.test({
  name: "an audit write past the process's file-size limit refuses calls instead of ending it",
  ignore,
  async fn() {
    await using c = await startStdioCoordinator();
    const echo = (message: string) => c.client.callTool({ name: "echo", arguments: { message } });
    assert.equal((await echo("first")).isError, undefined);
    const { size } = await Deno.stat(c.auditLog);
    // room for about one more record: the default action of SIGXFSZ ends the process
    const limit = String(size + 900);
    const set = await new Deno.Command("prlimit", {
      args: ["--pid", String(c.pid), `--fsize=${limit}:${limit}`],
    }).output();
    assert.ok(set.success, new TextDecoder().decode(set.stderr));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await echo("x".repeat(600)));
    assert.ok(answers.some((a) => a.isError), "some record did not fit");
    for (const answer of answers.filter((a) => a.isError)) {
      assert.match(resultText(answer), /^INTERNAL: The call could not be recorded/);
    }
    const write = await c.client.callTool({
      name: "fs.write",
      arguments: { path: "a.txt", contents: "1" },
    });
    assert.match(resultText(write), /^INTERNAL: The audit log cannot be written/);
    assert.match(c.stderr(), /Audit write failed/);
    const verify = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-P=coordinator", "--quiet", "main.ts", "audit", "verify", c.auditLog],
      cwd: new URL("../..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(
      verify.success,
      new TextDecoder().decode(verify.stdout) + new TextDecoder().decode(verify.stderr),
    );
  },
});
