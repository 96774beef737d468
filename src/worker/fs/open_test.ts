import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { createFixture } from "./_testing.ts";
import { openVerified, readRange, verifyDirectory } from "./open.ts";

const violation = (e: unknown) => e instanceof CodegenError && e.code === "PATH_VIOLATION";

Deno.test("openVerified() opens a resolved file and readRange() reads one slice", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/f.txt`, "0123456789");
  const { file, info } = await openVerified(fx.workspace, `${fx.workspace}/f.txt`, {
    verb: "read",
    path: "f",
  });
  try {
    assert.equal(info.size, 10);
    const bytes = await readRange(file, { offset: 2, length: 3 });
    assert.equal(new TextDecoder().decode(bytes), "234");
    assert.equal((await readRange(file, { offset: 8, length: 5 })).length, 2);
  } finally {
    file.close();
  }
});

Deno.test("openVerified() refuses a host path that no longer resolves to itself", async () => {
  await using fx = await createFixture();
  // as if a resolved directory had been swapped for a link to outside before the open
  await Deno.symlink(fx.outside, `${fx.workspace}/swapped`);
  await assert.rejects(
    openVerified(fx.workspace, `${fx.workspace}/swapped/secret.txt`, { verb: "read", path: "p" }),
    violation,
  );
});

Deno.test("verifyDirectory() accepts only real directories inside the workspace", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d`);
  await Deno.symlink("d", `${fx.workspace}/alias`);
  await verifyDirectory(fx.workspace, `${fx.workspace}/d`, { path: "d" });
  await assert.rejects(
    verifyDirectory(fx.workspace, `${fx.workspace}/alias`, { path: "a" }),
    violation,
  );
  await assert.rejects(verifyDirectory(fx.workspace, fx.outside, { path: "o" }), violation);
  await assert.rejects(
    verifyDirectory(fx.workspace, `${fx.workspace}/gone`, { path: "g" }),
    violation,
  );
});

Deno.test("openVerified() and verifyDirectory() refuse a symlink anywhere below the workspace", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d/sub`, { recursive: true });
  await Deno.writeTextFile(`${fx.workspace}/d/sub/f.txt`, "x");
  // links that stay inside still mean the resolved path changed under the operation
  await Deno.symlink("d", `${fx.workspace}/alias`);
  await Deno.symlink("f.txt", `${fx.workspace}/d/sub/link.txt`);
  await assert.rejects(
    verifyDirectory(fx.workspace, `${fx.workspace}/alias/sub`, { path: "a" }),
    violation,
  );
  for (const host of [`${fx.workspace}/alias/sub/f.txt`, `${fx.workspace}/d/sub/link.txt`]) {
    await assert.rejects(openVerified(fx.workspace, host, { verb: "read", path: "p" }), violation);
  }
  await verifyDirectory(fx.workspace, fx.workspace, { path: "." });
  const { file } = await openVerified(fx.workspace, `${fx.workspace}/d/sub/f.txt`, {
    verb: "read",
    path: "f",
  });
  file.close();
});

Deno.test("openVerified() refuses a FIFO at once, not blocking until a writer comes", async () => {
  await using fx = await createFixture();
  const fifo = `${fx.workspace}/pipe`;
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success, "mkfifo");
  // were the open to block, this writer would end the wait after 2 s, and the test fail
  const writer = new Deno.Command("sh", {
    args: ["-c", `sleep 2; exec 3>"${fifo}"`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const started = performance.now();
    await assert.rejects(
      openVerified(fx.workspace, fifo, { verb: "read", path: "pipe" }),
      violation,
    );
    assert.ok(performance.now() - started < 1_000, "returned at once");
  } finally {
    writer.kill();
    await writer.status;
  }
});

Deno.test("openVerified() says NOT_FOUND for a file removed since it was resolved", async () => {
  await using fx = await createFixture();
  await assert.rejects(
    openVerified(fx.workspace, `${fx.workspace}/gone.txt`, { verb: "read", path: "gone.txt" }),
    (e) => e instanceof CodegenError && e.code === "NOT_FOUND" && !e.message.includes(fx.workspace),
  );
});
