import assert from "node:assert/strict";
import { callTool, createPythonSessions } from "../../../tests/support/python_sessions.ts";
import { scriptedRunner } from "./_pip_fixtures.ts";
import { refusingRunner } from "./_testing.ts";
import { pkgInstall } from "./pkg_install.ts";
import { venvExists } from "./venv.ts";

Deno.test("pkgInstall() refuses option injection and bad indexes before starting anything", async () => {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  const runner = refusingRunner();
  const attempts = [
    { packages: ["--index-url=https://evil.example/simple"] },
    { packages: ["demo", "-r/etc/passwd"] },
    { packages: ["demo --extra-index-url https://evil.example"] },
    { packages: ["demo @ https://evil.example/demo.whl"] },
    { packages: ["demo; import os"] },
    { packages: ["demo"], index_url: "file:///etc/passwd" },
    { packages: ["demo"], index_url: "http://127.0.0.1:6379/" },
    { packages: ["demo"], index_url: "http://169.254.169.254/latest/" },
    { packages: ["demo"], index_url: "https://ok.example/simple --trusted-host x" },
    { packages: ["demo"], index_url: "http://10.1.2.3/simple" },
    { packages: [] },
  ];
  for (const args of attempts) {
    const outcome = await callTool(() => pkgInstall(a.ctx, args, { runner }));
    assert.equal(outcome.ok, false, JSON.stringify(args));
    if (!outcome.ok) assert.equal(outcome.error.code, "INVALID_ARGUMENT", outcome.error.message);
  }
  assert.equal(runner.started, 0);
  assert.equal(await venvExists(a.ctx), false);
});

Deno.test("pkgInstall() refuses a caller's index whose host resolves to loopback", async () => {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  for (const [exitCode, reason] of [[86, /resolves to a loopback/], [87, /does not resolve/]]) {
    const { runner, calls } = scriptedRunner({ downloadExit: exitCode as number });
    const outcome = await callTool(() =>
      pkgInstall(a.ctx, { packages: ["demo"], index_url: "https://sneaky.example/simple/" }, {
        runner,
      })
    );
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.equal(outcome.error.code, "INVALID_ARGUMENT");
      assert.match(outcome.error.message, /^Cannot use index_url "https:\/\/sneaky.example/);
      assert.match(outcome.error.message, reason as RegExp);
    }
    assert.deepEqual(calls, ["download"]);
  }
  assert.equal(await venvExists(a.ctx), false);
  // the operator's own index is not checked: the same exit code is a plain failure
  const operator = scriptedRunner({ downloadExit: 86 });
  const outcome = await pkgInstall(a.ctx, { packages: ["demo"] }, {
    runner: operator.runner,
    pipIndexUrl: "http://mirror.internal/simple/",
  });
  assert.ok(outcome.ok && outcome.is_error);
});
