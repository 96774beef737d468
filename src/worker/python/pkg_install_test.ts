import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import {
  createPythonSessions,
  ignoreUnless,
  type PythonSession,
  skipReason,
} from "../../../tests/support/python_sessions.ts";
import { createSandboxRunner } from "../sandbox/mod.ts";
import type { SandboxRunner, SandboxSpec } from "../sandbox/runner.ts";
import { pkgInstall } from "./pkg_install.ts";
import { sandboxEnv } from "./env.ts";
import { sandboxLimits } from "./launch.ts";
import { pythonExecutable, venvExists, venvMount } from "./venv.ts";

const ignore = ignoreUnless("pkg.install sandbox", await skipReason());

/** The real runner, recording every spec it was given. */
function recordingRunner(): SandboxRunner & { specs: SandboxSpec[] } {
  const real = createSandboxRunner({ insecureNoSandbox: false });
  const specs: SandboxSpec[] = [];
  return {
    kind: real.kind,
    specs,
    run(spec) {
      specs.push(spec);
      return real.run(spec);
    },
    // the real runner hands writable dirs to the sandbox uid under a root worker
    sandboxUid: (workspace: string) => real.sandboxUid(workspace),
  } as SandboxRunner & { specs: SandboxSpec[] };
}

/** Runs `code` the way run.python does: the session's interpreter, venv mounted read-only. */
async function importIn(session: PythonSession, runner: SandboxRunner, code: string) {
  const hasVenv = await venvExists(session.ctx);
  return await runner.run({
    argv: [pythonExecutable(hasVenv), "-c", code],
    workspace: session.ctx.workspace,
    env: sandboxEnv(hasVenv),
    mounts: hasVenv ? [venvMount(session.ctx, false)] : [],
    limits: sandboxLimits(session.ctx.limits),
    timeoutMs: 30_000,
    outputLimitBytes: 65_536,
  });
}

Deno.test({
  name: "pkgInstall() installs a wheel into one session's environment and no other",
  ignore,
  async fn() {
    await using index = await startPypiIndex([
      { name: "Demo_Pkg", version: "1.2.0" },
      { name: "dep-pkg", version: "0.1.0" },
      { name: "with-dep", version: "2.0", requires: ["dep-pkg>=0.1"] },
    ]);
    await using sessions = await createPythonSessions();
    const a = await sessions.session("a");
    const b = await sessions.session("b");
    const runner = recordingRunner();
    const changed: string[] = [];
    const deps = {
      runner,
      pipIndexUrl: index.url,
      onEnvironmentChanged: (id: string) => {
        changed.push(id);
      },
    };

    const outcome = await pkgInstall(a.ctx, {
      packages: ["demo-pkg==1.2.0", "with-dep"],
      no_deps: true,
    }, deps);
    assert.ok(outcome.ok);
    assert.equal(outcome.is_error, undefined, outcome.error_text ?? "");
    assert.deepEqual(outcome.result.installed, [
      { name: "Demo_Pkg", version: "1.2.0" },
      { name: "with-dep", version: "2.0" },
    ]);
    assert.deepEqual(outcome.result.failed, []);
    assert.equal(outcome.result.exit_code, 0);
    assert.match(outcome.result.output_tail, /Successfully installed/);
    assert.deepEqual(changed, ["a"]);
    assert.ok(a.events.some((e) => e.type === "log" && /Successfully installed/.test(e.data)));

    // only the download had network: the system's python3, the venv neither mounted nor
    // in its environment; the venv's pip installed offline; no step ran in the workspace
    const networked = runner.specs.filter((s) => s.network);
    assert.equal(networked.length, 1);
    const download = networked[0]!;
    assert.equal(download.argv[0], "python3");
    assert.ok(download.argv.includes("download"));
    assert.ok((download.mounts ?? []).every((m) => m.sandbox !== "/venv"));
    assert.ok(Object.values(download.env).every((v) => !v.includes("/venv")));
    const installs = runner.specs.filter((s) => s.argv.includes("install"));
    assert.equal(installs.length, 1);
    assert.ok(installs[0]!.argv.includes("--no-index") && !installs[0]!.network);
    assert.ok(runner.specs.every((s) => s.cwd === "/tmp"));
    // one deadline for the whole install: each pip step gets only what is left of it
    const limitMs = a.ctx.limits.runTimeoutMaxSeconds * 1000;
    assert.ok(download.timeoutMs <= limitMs);
    assert.ok(installs[0]!.timeoutMs < limitMs, "the install step gets what the download left");
    // the download directory is gone afterwards
    await assert.rejects(Deno.lstat(`${a.ctx.stateDir}/pip-downloads`), Deno.errors.NotFound);

    const inA = await importIn(a, runner, "import demo_pkg; print(demo_pkg.VALUE)");
    assert.equal(inA.stdout.trim(), "Demo_Pkg 1.2.0", inA.stderr);
    // no_deps: the dependency was not pulled in
    const dep = await importIn(a, runner, "import dep_pkg");
    assert.match(dep.stderr, /ModuleNotFoundError: No module named 'dep_pkg'/);
    const inB = await importIn(b, runner, "import demo_pkg");
    assert.notEqual(inB.exitCode, 0);
    assert.match(inB.stderr, /ModuleNotFoundError: No module named 'demo_pkg'/);
  },
});

Deno.test({
  name: "pkgInstall() reports INSTALL_FAILED with the missing package in failed",
  ignore,
  async fn() {
    await using index = await startPypiIndex([{ name: "demo-pkg", version: "1.0.0" }]);
    await using sessions = await createPythonSessions();
    const a = await sessions.session("a");
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    const outcome = await pkgInstall(a.ctx, { packages: ["demo-pkg", "no-such-pkg"] }, {
      runner,
      pipIndexUrl: index.url,
    });
    assert.ok(outcome.ok);
    assert.equal(outcome.is_error, true);
    assert.match(
      outcome.error_text ?? "",
      /^INSTALL_FAILED: Cannot download the packages \(exit code 1\)/,
    );
    assert.deepEqual(outcome.result.failed, ["demo-pkg", "no-such-pkg"]);
    assert.deepEqual(outcome.result.installed, []);
    assert.equal(outcome.result.exit_code, 1);
    assert.match(outcome.result.output_tail, /no-such-pkg/);
  },
});

Deno.test({
  name: "pkgInstall() does not report a version pip could not install as installed",
  ignore,
  async fn() {
    // the reviewer's case: the system has some pytest; pip cannot get pytest==99.0
    await using index = await startPypiIndex([{ name: "pytest", version: "1.0.0" }]);
    await using sessions = await createPythonSessions();
    const a = await sessions.session("a");
    const outcome = await pkgInstall(a.ctx, { packages: ["pytest==99.0"] }, {
      runner: createSandboxRunner({ insecureNoSandbox: false }),
      pipIndexUrl: index.url,
    });
    assert.ok(outcome.ok);
    assert.equal(outcome.is_error, true);
    assert.match(outcome.error_text ?? "", /^INSTALL_FAILED: /);
    assert.deepEqual(outcome.result.installed, []);
    assert.deepEqual(outcome.result.failed, ["pytest"]);
    assert.notEqual(outcome.result.exit_code, 0);
  },
});

Deno.test({
  name: "pkgInstall() reports the version the environment holds after an upgrade",
  ignore,
  async fn() {
    await using index = await startPypiIndex([
      { name: "demo-pkg", version: "1.0.0" },
      { name: "demo-pkg", version: "2.0.0" },
    ]);
    await using sessions = await createPythonSessions();
    const a = await sessions.session("a");
    const deps = {
      runner: createSandboxRunner({ insecureNoSandbox: false }),
      pipIndexUrl: index.url,
    };
    const pinned = await pkgInstall(a.ctx, { packages: ["demo-pkg==1.0.0"] }, deps);
    assert.ok(pinned.ok);
    assert.deepEqual(pinned.result.installed, [{ name: "demo-pkg", version: "1.0.0" }]);
    const same = await pkgInstall(a.ctx, { packages: ["demo-pkg"] }, deps);
    assert.ok(same.ok);
    assert.deepEqual(same.result.installed, [{ name: "demo-pkg", version: "1.0.0" }]);
    assert.match(same.result.output_tail, /already satisfied/);
    const upgraded = await pkgInstall(a.ctx, { packages: ["demo-pkg"], upgrade: true }, deps);
    assert.ok(upgraded.ok);
    assert.deepEqual(upgraded.result.installed, [{ name: "demo-pkg", version: "2.0.0" }]);
  },
});
