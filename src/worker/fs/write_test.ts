import assert from "node:assert/strict";
import { codeOf, createFixture } from "./_testing.ts";
import { removalsSettled } from "./mod.ts";

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("fs.write creates parent directories and reports bytes written", async () => {
  await using fx = await createFixture();
  const out = await fx.call("fs.write", { path: "a/b/c.txt", contents: "héllo" });
  assert.deepEqual(out, { ok: true, result: { path: "a/b/c.txt", bytes_written: 6 } });
  assert.equal(await Deno.readTextFile(`${fx.workspace}/a/b/c.txt`), "héllo");
  const mode = (await Deno.stat(`${fx.workspace}/a/b/c.txt`)).mode! & 0o777;
  assert.equal(mode & 0o600, 0o600);
});

Deno.test("fs.write with create_dirs false reports a missing parent as NOT_FOUND", async () => {
  await using fx = await createFixture();
  const out = await fx.call("fs.write", { path: "x/y.txt", contents: "", create_dirs: false });
  assert.equal(codeOf(out), "NOT_FOUND");
  assert.deepEqual(await names(fx.workspace), []);
});

Deno.test("fs.write round-trips binary bytes through base64", async () => {
  await using fx = await createFixture();
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const out = await fx.call("fs.write", {
    path: "all.bin",
    contents: bytes.toBase64(),
    encoding: "base64",
  });
  assert.ok(out.ok && out.result.bytes_written === 256);
  assert.deepEqual(await Deno.readFile(`${fx.workspace}/all.bin`), bytes);
  const back = await fx.call("fs.read", { path: "all.bin", encoding: "base64" });
  assert.ok(back.ok && back.result.contents === bytes.toBase64());
});

Deno.test("fs.write refuses malformed base64 with INVALID_ARGUMENT", async () => {
  await using fx = await createFixture();
  for (const contents of ["YQ", "Y Q==", "-_8=", "YQ==YQ==", "****"]) {
    const out = await fx.call("fs.write", { path: "x.bin", contents, encoding: "base64" });
    assert.equal(codeOf(out), "INVALID_ARGUMENT", contents);
  }
  assert.deepEqual(await names(fx.workspace), []);
});

Deno.test("fs.write refuses text with a lone surrogate instead of writing U+FFFD", async () => {
  await using fx = await createFixture();
  await fx.call("fs.write", { path: "a.txt", contents: "old" });
  for (const contents of ["x\ud800y", "\udc00", "ok\u{1F600}\ud83d"]) {
    const out = await fx.call("fs.write", { path: "a.txt", contents });
    assert.equal(codeOf(out), "INVALID_ARGUMENT", JSON.stringify(contents));
    assert.ok(!out.ok && /^Invalid contents: a lone surrogate/.test(out.error.message));
    const appended = await fx.call("fs.write", { path: "a.txt", contents, append: true });
    assert.equal(codeOf(appended), "INVALID_ARGUMENT");
  }
  assert.equal(await Deno.readTextFile(`${fx.workspace}/a.txt`), "old");
  // a surrogate pair is one character, written as its four UTF-8 bytes
  const pair = await fx.call("fs.write", { path: "a.txt", contents: "\u{1F600}" });
  assert.ok(pair.ok && pair.result.bytes_written === 4);
});

Deno.test("fs.write refuses contents over maxFileBytes with TOO_LARGE", async () => {
  await using fx = await createFixture({ maxFileBytes: 10 });
  assert.equal(
    codeOf(await fx.call("fs.write", { path: "x", contents: "x".repeat(11) })),
    "TOO_LARGE",
  );
  // 4 characters of 3 bytes each: short string, too many bytes
  assert.equal(codeOf(await fx.call("fs.write", { path: "x", contents: "€€€€" })), "TOO_LARGE");
  const b64 = new Uint8Array(11).toBase64();
  const out = await fx.call("fs.write", { path: "x", contents: b64, encoding: "base64" });
  assert.equal(codeOf(out), "TOO_LARGE");
  assert.ok(!out.ok);
  assert.equal(
    out.error.message,
    'Cannot write "x": 11 bytes exceed the file limit of 10 (MAX_FILE_BYTES)',
  );
  assert.ok((await fx.call("fs.write", { path: "x", contents: "x".repeat(10) })).ok);
});

Deno.test("fs.write replaces a file atomically and leaves no temp files", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/f.txt`, "old contents");
  const before = (await Deno.stat(`${fx.workspace}/f.txt`)).ino;
  const out = await fx.call("fs.write", { path: "f.txt", contents: "new" });
  assert.ok(out.ok);
  assert.equal(await Deno.readTextFile(`${fx.workspace}/f.txt`), "new");
  // a rename installs a new inode; an in-place rewrite would keep the old one
  assert.notEqual((await Deno.stat(`${fx.workspace}/f.txt`)).ino, before);
  assert.deepEqual(await names(fx.workspace), ["f.txt"]);
});

Deno.test("fs.write refuses to write over a directory or the workspace root", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d`);
  // a symlink inside to a directory resolves to the directory: writing over it is refused
  await Deno.symlink("d", `${fx.workspace}/d-link`);
  assert.equal(codeOf(await fx.call("fs.write", { path: "d", contents: "x" })), "INVALID_ARGUMENT");
  assert.equal(
    codeOf(await fx.call("fs.write", { path: "d-link", contents: "x" })),
    "INVALID_ARGUMENT",
  );
  assert.equal(codeOf(await fx.call("fs.write", { path: ".", contents: "x" })), "PATH_VIOLATION");
  assert.deepEqual(await names(fx.workspace), ["d", "d-link"]);
  assert.deepEqual(await names(`${fx.workspace}/d`), []);
});

Deno.test("fs.write appends by copying into a replacement file", async () => {
  await using fx = await createFixture({ maxFileBytes: 12 });
  await fx.call("fs.write", { path: "log.txt", contents: "one\n" });
  const out = await fx.call("fs.write", { path: "log.txt", contents: "two\n", append: true });
  assert.deepEqual(out, { ok: true, result: { path: "log.txt", bytes_written: 4 } });
  assert.equal(await Deno.readTextFile(`${fx.workspace}/log.txt`), "one\ntwo\n");
  const fresh = await fx.call("fs.write", { path: "new.txt", contents: "a", append: true });
  assert.ok(fresh.ok);
  const over = await fx.call("fs.write", { path: "log.txt", contents: "three\n", append: true });
  assert.equal(codeOf(over), "TOO_LARGE");
  assert.equal(await Deno.readTextFile(`${fx.workspace}/log.txt`), "one\ntwo\n");
  assert.deepEqual(await names(fx.workspace), ["log.txt", "new.txt"]);
});

Deno.test("fs.write writes through a symlink that stays inside, keeping the link", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/target.txt`, "old");
  await Deno.symlink("target.txt", `${fx.workspace}/link.txt`);
  assert.ok((await fx.call("fs.write", { path: "link.txt", contents: "new" })).ok);
  assert.equal(await Deno.readTextFile(`${fx.workspace}/target.txt`), "new");
  assert.ok((await Deno.lstat(`${fx.workspace}/link.txt`)).isSymlink);
});

Deno.test("fs.write over a file replaces it and leaves no other name behind", async () => {
  await using fx = await createFixture();
  await fx.call("fs.write", { path: "a.txt", contents: "old" });
  // a reader holding the old file keeps reading the old bytes: the file is replaced, not
  // rewritten in place
  using held = await Deno.open(`${fx.workspace}/a.txt`);
  const before = (await Deno.stat(`${fx.workspace}/a.txt`)).ino;
  const out = await fx.call("fs.write", { path: "a.txt", contents: "new contents" });
  assert.ok(out.ok);
  assert.equal(await Deno.readTextFile(`${fx.workspace}/a.txt`), "new contents");
  assert.notEqual((await Deno.stat(`${fx.workspace}/a.txt`)).ino, before);
  const buffer = new Uint8Array(16);
  assert.equal(new TextDecoder().decode(buffer.subarray(0, (await held.read(buffer))!)), "old");
  await removalsSettled();
  assert.deepEqual(await names(fx.workspace), ["a.txt"]);
  assert.equal((await Deno.stat(`${fx.workspace}/a.txt`)).nlink, 1);
});

Deno.test("fs.write over a file with another hard link leaves that link's bytes alone", async () => {
  await using fx = await createFixture();
  await fx.call("fs.write", { path: "a.txt", contents: "old" });
  await Deno.link(`${fx.workspace}/a.txt`, `${fx.workspace}/b.txt`);
  assert.ok((await fx.call("fs.write", { path: "a.txt", contents: "new" })).ok);
  await removalsSettled();
  assert.equal(await Deno.readTextFile(`${fx.workspace}/a.txt`), "new");
  assert.equal(await Deno.readTextFile(`${fx.workspace}/b.txt`), "old");
  assert.deepEqual(await names(fx.workspace), ["a.txt", "b.txt"]);
});

Deno.test("fs.write: concurrent appends to one file all land, each whole", async () => {
  await using fx = await createFixture();
  await fx.call("fs.write", { path: "log.txt", contents: "" });
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i}\n`);
  const outs = await Promise.all(
    lines.map((contents) => fx.call("fs.write", { path: "log.txt", contents, append: true })),
  );
  assert.ok(outs.every((o) => o.ok));
  const written = (await Deno.readTextFile(`${fx.workspace}/log.txt`)).split(/(?<=\n)/);
  assert.deepEqual(written.toSorted(), lines.toSorted());
  await removalsSettled();
  assert.deepEqual(await names(fx.workspace), ["log.txt"]);
});

Deno.test("fs.write: appends to a file that does not exist yet all land", async () => {
  await using fx = await createFixture();
  await Promise.all(
    ["a", "b", "c"].map((contents) =>
      fx.call("fs.write", { path: "new.txt", contents, append: true })
    ),
  );
  const text = await Deno.readTextFile(`${fx.workspace}/new.txt`);
  assert.deepEqual([...text].toSorted(), ["a", "b", "c"]);
});

Deno.test("fs.write: a replaced file keeps its permission bits", async () => {
  await using fx = await createFixture();
  const host = `${fx.workspace}/run.sh`;
  for (const mode of [0o755, 0o600, 0o640]) {
    await fx.call("fs.write", { path: "run.sh", contents: "#!/bin/sh\n" });
    await Deno.chmod(host, mode);
    const out = await fx.call("fs.write", { path: "run.sh", contents: "echo hi\n" });
    assert.ok(out.ok);
    assert.equal((await Deno.stat(host)).mode! & 0o7777, mode, `mode ${mode.toString(8)}`);
    await fx.call("fs.write", { path: "run.sh", contents: "more\n", append: true });
    assert.equal((await Deno.stat(host)).mode! & 0o7777, mode, `append, ${mode.toString(8)}`);
  }
  await Deno.chmod(host, 0o4755);
  await fx.call("fs.write", { path: "run.sh", contents: "x" });
  assert.equal((await Deno.stat(host)).mode! & 0o7777, 0o755, "the set-uid bit is dropped");
});

Deno.test("fs.write refuses a name kept for its own temporary files, which fs.list never shows", async () => {
  await using fx = await createFixture();
  for (const path of [".notes.0123456789ab.tmp", "dir/.cfg.aaaaaaaaaaaa.old"]) {
    const r = await fx.call("fs.write", { path, contents: "x" });
    assert.equal(!r.ok && r.error.code, "INVALID_ARGUMENT", path);
    assert.match(!r.ok ? r.error.message : "", /kept for fs\.write's temporary files/);
  }
  // names that only look alike are fine
  for (const path of [".notes.0123456789AB.tmp", ".notes.tmp", "a.0123456789ab.tmp"]) {
    assert.ok((await fx.call("fs.write", { path, contents: "x" })).ok, path);
  }
});
