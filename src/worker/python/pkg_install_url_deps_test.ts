import assert from "node:assert/strict";
import { startPypiIndex } from "../../../tests/support/pypi_index.ts";
import {
  createPythonSessions,
  ignoreUnless,
  skipReason,
} from "../../../tests/support/python_sessions.ts";
import { createSandboxRunner } from "../sandbox/mod.ts";
import { pkgInstall } from "./pkg_install.ts";

const ignore = ignoreUnless("pkg.install sandbox", await skipReason());

// A source archive whose in-tree build backend, once imported, writes /workspace/BUILT and
// phones `port`: what pip runs to read a source archive's metadata.
async function payloadSdist(port: number): Promise<Uint8Array> {
  const backend = `import socket\nopen("/workspace/BUILT", "w").close()\n` +
    `try:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2).close()\n` +
    `except OSError:\n    pass\n`;
  const script = "import io, sys, tarfile, json\n" +
    "files = json.load(sys.stdin)\n" +
    "out = io.BytesIO()\n" +
    "with tarfile.open(fileobj=out, mode='w:gz') as t:\n" +
    "    for name, text in files.items():\n" +
    "        data = text.encode(); info = tarfile.TarInfo('payload-1.0/' + name)\n" +
    "        info.size = len(data); t.addfile(info, io.BytesIO(data))\n" +
    "sys.stdout.buffer.write(out.getvalue())\n";
  const files = {
    "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\n' +
      'backend-path = ["."]\n',
    "backend.py": backend,
    "PKG-INFO": "Metadata-Version: 2.1\nName: payload\nVersion: 1.0\n",
  };
  const child = new Deno.Command("python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(files)));
  await writer.close();
  const { code, stdout } = await child.output();
  assert.equal(code, 0);
  return stdout;
}

Deno.test({
  name: "pkgInstall() never builds or checks out a dependency a wheel names by URL",
  ignore,
  async fn() {
    // the build hooks would connect here
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const heard: string[] = [];
    const accepting = (async () => {
      for await (const conn of listener) {
        heard.push("connection");
        conn.close();
      }
    })().catch(() => {});
    const sdist = await payloadSdist(listener.addr.port);
    await using files = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response(sdist.slice(), { headers: { "content-type": "application/gzip" } }),
    );
    const url = `http://127.0.0.1:${files.addr.port}/payload-1.0.tar.gz`;
    await using index = await startPypiIndex([
      { name: "trojan", version: "1.0", requires: [`payload @ ${url}`] },
      { name: "trojan-git", version: "1.0", requires: [`payload @ git+${url}.git`] },
    ]);
    await using sessions = await createPythonSessions();
    const a = await sessions.session("a");
    const deps = {
      runner: createSandboxRunner({ insecureNoSandbox: false }),
      pipIndexUrl: index.url,
    };
    for (const pkg of ["trojan", "trojan-git"]) {
      const result = await pkgInstall(a.ctx, { packages: [pkg] }, deps);
      assert.ok(result.ok && result.is_error, pkg);
      assert.match(result.error_text ?? "", /^INSTALL_FAILED/, pkg);
      assert.match(result.result.output_tail, /downloads wheels only/, pkg);
      assert.deepEqual(result.result.installed, [], pkg);
    }
    const built = await Deno.lstat(`${a.ctx.workspace}/BUILT`).then(() => true, () => false);
    assert.equal(built, false, "the build backend never ran");
    listener.close();
    await accepting;
    assert.deepEqual(heard, []);
  },
});
