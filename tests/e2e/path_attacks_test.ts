import assert from "node:assert/strict";
import { resultText } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";

Deno.test("path attacks fail with PATH_VIOLATION for read, write, list and delete and touch nothing outside", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const outside = await Deno.makeTempDir({ prefix: "codegen-outside-" });
  try {
    await Deno.writeTextFile(`${outside}/secret.txt`, "top secret");
    const before = await Deno.stat(`${outside}/secret.txt`);
    // make the workspace exist, then plant symlinks as user code could
    const info = (await client.callTool({ name: "session.info", arguments: {} }))
      .structuredContent as {
        session_id: string;
      };
    const ws = `${t.config.workspaceRoot}/sessions/${info.session_id}`;
    await Deno.symlink("/etc", `${ws}/etc_link`);
    await Deno.symlink(outside, `${ws}/outdir`);
    await Deno.symlink(`${outside}/secret.txt`, `${ws}/secret_link`);

    const attacks = [
      "../x",
      "/etc/passwd",
      "a/../../x",
      "a\0b",
      "etc_link/passwd",
      "etc_link",
      "outdir/secret.txt",
      "outdir/new.txt",
      "secret_link",
    ];
    const ops: [string, (p: string) => Record<string, unknown>][] = [
      ["fs.read", (p) => ({ path: p })],
      ["fs.write", (p) => ({ path: p, contents: "pwned" })],
      ["fs.list", (p) => ({ path: p })],
      ["fs.delete", (p) => ({ path: p, recursive: true })],
    ];
    for (const path of attacks) {
      for (const [tool, args] of ops) {
        // deleting a symlink removes the link itself (inside the workspace): allowed
        if (tool === "fs.delete" && ["etc_link", "secret_link"].includes(path)) continue;
        const r = await client.callTool({ name: tool, arguments: args(path) });
        assert.equal(r.isError, true, `${tool} ${JSON.stringify(path)} must fail`);
        assert.match(
          resultText(r),
          /^PATH_VIOLATION: /,
          `${tool} ${JSON.stringify(path)}: ${resultText(r)}`,
        );
      }
    }
    const after = await Deno.stat(`${outside}/secret.txt`);
    assert.equal(await Deno.readTextFile(`${outside}/secret.txt`), "top secret");
    assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
    const names = [...Deno.readDirSync(outside)].map((e) => e.name);
    assert.deepEqual(names, ["secret.txt"]);
    // every attack was audited as denied
    const denied = t.audit.records.filter((r) => r.decision === "denied");
    assert.ok(denied.length >= attacks.length * 3);
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("empty and over-long paths are PATH_VIOLATION for every tool that takes one, and audited", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const tooLong = "a".repeat(t.config.limits.maxPathBytes + 1);
  const cases: [string, Record<string, unknown>][] = [
    ["fs.read", { path: tooLong }],
    ["fs.write", { path: tooLong, contents: "x" }],
    ["fs.list", { path: tooLong }],
    ["fs.delete", { path: tooLong }],
    ["artifact.get", { path: tooLong }],
    ["run.python", { file: tooLong }],
    ["test.run", { path: tooLong }],
    ["fs.read", { path: "" }],
    ["run.python", { file: "" }],
    ["fs.write", { path: "", contents: "x" }],
  ];
  for (const [tool, args] of cases) {
    const r = await client.callTool({ name: tool, arguments: args });
    assert.equal(r.isError, true);
    assert.match(
      resultText(r),
      /^PATH_VIOLATION: .*: path is (longer than|empty)/,
      `${tool}: ${resultText(r)}`,
    );
  }
  const denied = t.audit.records.filter((r) => r.decision === "denied");
  assert.equal(denied.length, cases.length);
});
