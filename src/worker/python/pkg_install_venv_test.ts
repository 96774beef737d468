import assert from "node:assert/strict";
import { createPythonSessions } from "../../../tests/support/python_sessions.ts";
import { scriptedRunner } from "./_pip_fixtures.ts";
import { pkgInstall } from "./pkg_install.ts";
import { venvExists } from "./venv.ts";

Deno.test("pkgInstall() creates the venv once when two first installs race", async () => {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  const { runner, calls } = scriptedRunner();
  const changed: string[] = [];
  const deps = {
    runner,
    pipIndexUrl: "https://idx.example/simple/",
    onEnvironmentChanged: (id: string) => void changed.push(id),
  };
  const [one, two] = await Promise.all([
    pkgInstall(a.ctx, { packages: ["demo"] }, deps),
    pkgInstall(a.ctx, { packages: ["demo"] }, deps),
  ]);
  assert.ok(one.ok && two.ok && !one.is_error && !two.is_error);
  assert.deepEqual(calls, ["download", "create", "pip", "list", "download", "pip", "list"]);
  assert.deepEqual(changed, ["a", "a"]);
  assert.deepEqual(one.result.installed, [{ name: "demo", version: "1.0" }]);
  const progress = a.events.filter((e) => e.type === "progress").map((e) => e.progress);
  assert.deepEqual(progress, [0, 1, 2, 3, 4, 0, 2, 3, 4]);
});

Deno.test("pkgInstall() removes a half-made venv so the next install starts afresh", async () => {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  const broken = scriptedRunner({ createExit: 1 });
  const outcome = await pkgInstall(a.ctx, { packages: ["demo"] }, { runner: broken.runner });
  assert.ok(outcome.ok);
  assert.equal(outcome.is_error, true);
  assert.equal(
    outcome.error_text,
    "INSTALL_FAILED: Cannot create the environment (exit code 1): Error: venv module is broken",
  );
  assert.deepEqual(outcome.result.failed, ["demo"]);
  assert.deepEqual(broken.calls, ["download", "create"]);
  await assert.rejects(Deno.lstat(`${a.ctx.stateDir}/venv`), Deno.errors.NotFound);

  const pipFails = scriptedRunner({ pipExit: 1 });
  const changed: string[] = [];
  const second = await pkgInstall(a.ctx, { packages: ["demo"] }, {
    runner: pipFails.runner,
    onEnvironmentChanged: (id) => void changed.push(id),
  });
  assert.ok(second.ok);
  assert.match(
    second.error_text ?? "",
    /^INSTALL_FAILED: pip exited with code 1: ERROR: No matching/,
  );
  assert.deepEqual(second.result.failed, ["demo"]);
  assert.deepEqual(pipFails.calls, ["download", "create", "pip", "list"]);
  // the venv was new, so interpreters must still restart
  assert.deepEqual(changed, ["a"]);
});

Deno.test("pkgInstall() neither creates nor touches the venv when the download fails", async () => {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  const { runner, calls } = scriptedRunner({ downloadExit: 1 });
  const outcome = await pkgInstall(a.ctx, { packages: ["demo"] }, { runner });
  assert.ok(outcome.ok);
  assert.match(
    outcome.error_text ?? "",
    /^INSTALL_FAILED: Cannot download the packages \(exit code 1\): ERROR: No matching/,
  );
  // the hint names the real rule: no setting lets a caller build source distributions
  assert.match(
    outcome.error_text ?? "",
    / \(only wheels are installed: no source distributions\)$/,
  );
  assert.deepEqual(outcome.result, {
    installed: [],
    failed: ["demo"],
    exit_code: 1,
    output_tail: "ERROR: No matching distribution found for demo\n",
  });
  assert.deepEqual(calls, ["download"]);
  assert.equal(await venvExists(a.ctx), false);
});
