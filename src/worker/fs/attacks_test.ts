/**
 * Path attacks against every file tool: each must fail with PATH_VIOLATION and leave
 * everything outside the workspace exactly as it was.
 */
import assert from "node:assert/strict";
import type { TaskOutcome } from "../../rpc/mod.ts";
import { codeOf, createFixture, type Fixture, SECRET } from "./_testing.ts";

/** A name that must never appear in /etc; only used where a broken check would create it. */
const ETC_PROBE = "codegen-mcp-test-must-not-exist";

/** Plants the links an attacker's code could create inside the workspace. */
async function plant(fx: Fixture): Promise<void> {
  const ws = fx.workspace;
  await Deno.mkdir(`${ws}/inner`);
  await Deno.symlink("/etc", `${ws}/etc-link`);
  await Deno.symlink(fx.outside, `${ws}/out-link`);
  await Deno.symlink("../../../outside", `${ws}/inner/rel-link`);
  await Deno.symlink(`${fx.outside}/secret.txt`, `${ws}/secret-link`);
  await Deno.symlink(`${fx.outside}/not-yet.txt`, `${ws}/dangling-out`);
}

/** Paths every tool must refuse, whatever it does with them. */
function hostile(fx: Fixture): string[] {
  return [
    "../x",
    "../../outside/secret.txt",
    "/etc/passwd",
    `${fx.outside}/secret.txt`,
    "a/../../x",
    "inner/../../outside/secret.txt",
    "secret.txt\u0000",
    "out-link\u0000/secret.txt",
    "..\\..\\outside\\secret.txt",
    "C:/Windows",
  ];
}

async function expectViolations(
  fx: Fixture,
  paths: string[],
  attempt: (path: string) => Promise<TaskOutcome>,
): Promise<void> {
  const before = await fx.snapshotOutside();
  for (const path of paths) {
    const out = await attempt(path);
    assert.equal(codeOf(out), "PATH_VIOLATION", `${JSON.stringify(path)}: ${JSON.stringify(out)}`);
    assert.ok(
      !out.ok && out.error.message.startsWith("Cannot use "),
      out.ok ? "" : out.error.message,
    );
    assert.ok(!JSON.stringify(out).includes(SECRET), "the secret never appears in a result");
  }
  assert.deepEqual(await fx.snapshotOutside(), before, "nothing outside changed");
  await assertNoProbeInEtc();
}

/** Fails if a broken check let a tool create the probe in /etc, removing it first. */
async function assertNoProbeInEtc(): Promise<void> {
  const probe = `/etc/${ETC_PROBE}`;
  const exists = await Deno.lstat(probe).then(() => true, () => false);
  if (exists) await Deno.remove(probe, { recursive: true });
  assert.ok(!exists, `${probe} was created through a symlink`);
}

Deno.test("fs.read refuses every path that leads outside the workspace", async () => {
  await using fx = await createFixture();
  await plant(fx);
  const paths = [
    ...hostile(fx),
    "etc-link/passwd",
    "etc-link/hostname",
    "out-link/secret.txt",
    "out-link/dir/inner.txt",
    "inner/rel-link/secret.txt",
    "secret-link",
    "dangling-out",
  ];
  await expectViolations(fx, paths, (path) => fx.call("fs.read", { path }));
  await expectViolations(fx, paths, (path) => fx.call("artifact.get", { path }));
});

Deno.test("fs.write refuses every path that leads outside the workspace", async () => {
  await using fx = await createFixture();
  await plant(fx);
  const paths = [
    ...hostile(fx),
    `etc-link/${ETC_PROBE}`,
    `etc-link/${ETC_PROBE}/deeper.txt`,
    "out-link/secret.txt",
    "out-link/new.txt",
    "out-link/newdir/new.txt",
    "out-link/dir/inner.txt",
    "inner/rel-link/secret.txt",
    "secret-link",
    "dangling-out",
  ];
  for (const append of [false, true]) {
    await expectViolations(
      fx,
      paths,
      (path) => fx.call("fs.write", { path, contents: "pwned", append }),
    );
  }
  assert.equal(await Deno.readLink(`${fx.workspace}/secret-link`), `${fx.outside}/secret.txt`);
});

Deno.test("fs.list refuses every path that leads outside the workspace", async () => {
  await using fx = await createFixture();
  await plant(fx);
  const paths = [...hostile(fx), "etc-link", "out-link", "out-link/dir", "inner/rel-link"];
  for (const recursive of [false, true]) {
    await expectViolations(fx, paths, (path) => fx.call("fs.list", { path, recursive }));
  }
});

Deno.test("fs.delete refuses every path that leads outside the workspace", async () => {
  await using fx = await createFixture();
  await plant(fx);
  const paths = [
    ...hostile(fx),
    `etc-link/${ETC_PROBE}`,
    "out-link/secret.txt",
    "out-link/dir",
    "inner/rel-link/secret.txt",
    "inner/rel-link/dir",
  ];
  for (const recursive of [false, true]) {
    await expectViolations(fx, paths, (path) => fx.call("fs.delete", { path, recursive }));
  }
});

Deno.test("fs.delete of a link that points outside removes only the link", async () => {
  await using fx = await createFixture();
  await plant(fx);
  const before = await fx.snapshotOutside();
  for (const path of ["secret-link", "out-link", "dangling-out", "etc-link"]) {
    assert.ok((await fx.call("fs.delete", { path, recursive: true })).ok, path);
  }
  assert.deepEqual(await fx.snapshotOutside(), before);
  assert.ok((await Deno.stat("/etc")).isDirectory);
});

Deno.test("workspace.stats and fs.list of the root never count or show what links point to", async () => {
  await using fx = await createFixture();
  await plant(fx);
  const stats = await fx.call("workspace.stats", {});
  assert.deepEqual(stats, { ok: true, result: { workspace_bytes: 0, file_count: 0 } });
  const list = await fx.call("fs.list", { recursive: true });
  assert.ok(list.ok);
  assert.ok(list.result.entries.every((e) => !e.path.includes("secret.txt")));
});
