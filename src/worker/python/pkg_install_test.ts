import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import {
  callTool,
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

    // only pip had network, and every step kept its working directory off the workspace
    const pipSpecs = runner.specs.filter((s) => s.argv.includes("pip"));
    assert.equal(pipSpecs.length, 1);
    assert.deepEqual(
      runner.specs.filter((s) => s.network).map((s) => s.argv),
      pipSpecs.map((s) => s.argv),
    );
    assert.ok(runner.specs.every((s) => s.cwd === "/tmp"));

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
    assert.match(outcome.error_text ?? "", /^INSTALL_FAILED: pip exited with code 1/);
    assert.ok(outcome.result.failed.includes("no-such-pkg"));
    assert.equal(outcome.result.exit_code, 1);
    assert.match(outcome.result.output_tail, /no-such-pkg/);
  },
});

Deno.test("pkgInstall() refuses option injection and bad indexes before starting anything", async () => {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  let started = 0;
  const runner: SandboxRunner = {
    kind: "bubblewrap",
    run() {
      started++;
      return Promise.reject(new Error("no process may start"));
    },
  };
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
    { packages: [] },
  ];
  for (const args of attempts) {
    const outcome = await callTool(() => pkgInstall(a.ctx, args, { runner }));
    assert.equal(outcome.ok, false, JSON.stringify(args));
    if (!outcome.ok) assert.equal(outcome.error.code, "INVALID_ARGUMENT", outcome.error.message);
  }
  assert.equal(started, 0);
  assert.equal(await venvExists(a.ctx), false);
});

/** A runner that plays the three pkg.install steps without starting anything. */
function scriptedRunner(options: { createExit?: number; pipExit?: number } = {}) {
  const calls: string[] = [];
  const runner: SandboxRunner = {
    kind: "bubblewrap",
    async run(spec) {
      const venvHost = spec.mounts?.find((m) => m.sandbox === "/venv")?.host ?? "";
      const base = {
        stdout: "",
        stderr: "",
        signal: undefined,
        timedOut: false,
        cancelled: false,
        truncated: false,
        durationMs: 1,
      };
      if (spec.argv.at(-1) === "/venv") {
        calls.push("create");
        const exitCode = options.createExit ?? 0;
        if (exitCode === 0) await Deno.writeTextFile(`${venvHost}/pyvenv.cfg`, "home = /usr/bin\n");
        else await Deno.writeTextFile(`${venvHost}/partial`, "");
        return { ...base, exitCode, stderr: exitCode ? "Error: venv module is broken\n" : "" };
      }
      if (spec.argv.includes("pip")) {
        calls.push("pip");
        const exitCode = options.pipExit ?? 0;
        spec.onOutput?.("stdout", exitCode ? "" : "Successfully installed demo-1.0\n");
        spec.onOutput?.("stderr", exitCode ? "ERROR: No matching distribution found\n" : "");
        return { ...base, exitCode };
      }
      calls.push("list");
      const found = options.pipExit ? {} : { demo: { name: "demo", version: "1.0" } };
      return { ...base, exitCode: 0, stdout: `${JSON.stringify(found)}\n` };
    },
  };
  return { runner, calls };
}

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
  assert.deepEqual(calls, ["create", "pip", "list", "pip", "list"]);
  assert.deepEqual(changed, ["a", "a"]);
  assert.deepEqual(one.result.installed, [{ name: "demo", version: "1.0" }]);
  const progress = a.events.filter((e) => e.type === "progress").map((e) => e.progress);
  assert.deepEqual(progress, [0, 1, 2, 3, 1, 2, 3]);
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
  assert.deepEqual(broken.calls, ["create"]);
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
  assert.deepEqual(pipFails.calls, ["create", "pip", "list"]);
  // the venv was new, so interpreters must still restart
  assert.deepEqual(changed, ["a"]);
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
