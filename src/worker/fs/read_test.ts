import assert from "node:assert/strict";
import { codeOf, createFixture } from "./_testing.ts";

Deno.test("fs.read returns utf-8 text with the whole file size", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/hello.txt`, "héllo\n");
  const out = await fx.call("fs.read", { path: "./hello.txt" });
  assert.deepEqual(out, {
    ok: true,
    result: {
      path: "hello.txt",
      contents: "héllo\n",
      encoding: "utf-8",
      size_bytes: 7,
      truncated: false,
    },
  });
});

Deno.test("fs.read returns binary bytes as base64 and refuses them as utf-8", async () => {
  await using fx = await createFixture();
  const bytes = new Uint8Array([0, 255, 128, 10, 0xc3]);
  await Deno.writeFile(`${fx.workspace}/blob.bin`, bytes);
  const out = await fx.call("fs.read", { path: "blob.bin", encoding: "base64" });
  assert.ok(out.ok);
  assert.deepEqual(Uint8Array.fromBase64(out.result.contents), bytes);
  const text = await fx.call("fs.read", { path: "blob.bin" });
  assert.equal(codeOf(text), "INVALID_ARGUMENT");
  assert.ok(!text.ok && /encoding "base64"/.test(text.error.message));
});

Deno.test("fs.read returns just the offset/length slice", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/abc.txt`, "0123456789");
  const out = await fx.call("fs.read", { path: "abc.txt", offset: 3, length: 4 });
  assert.ok(out.ok);
  assert.equal(out.result.contents, "3456");
  assert.equal(out.result.size_bytes, 10);
  assert.equal(out.result.truncated, false);
  const tail = await fx.call("fs.read", { path: "abc.txt", offset: 8 });
  assert.ok(tail.ok && tail.result.contents === "89");
  const past = await fx.call("fs.read", { path: "abc.txt", offset: 50, length: 5 });
  assert.ok(past.ok && past.result.contents === "");
  const bad = await fx.call("fs.read", { path: "abc.txt", offset: -1 });
  assert.equal(codeOf(bad), "INVALID_ARGUMENT");
  const latin1 = { path: "abc.txt", encoding: "latin1" as "utf-8" };
  assert.equal(codeOf(await fx.call("fs.read", latin1)), "INVALID_ARGUMENT");
});

Deno.test("fs.read truncates at maxReadBytes on a character boundary", async () => {
  await using fx = await createFixture({ maxReadBytes: 8 });
  // "aaaaaaa" + "é" puts a two-byte character across the 8-byte limit
  await Deno.writeTextFile(`${fx.workspace}/big.txt`, "aaaaaaaébbbbbbbb");
  const out = await fx.call("fs.read", { path: "big.txt" });
  assert.ok(out.ok);
  assert.equal(out.result.truncated, true);
  assert.equal(out.result.contents, "aaaaaaa");
  assert.equal(out.result.size_bytes, 17);
  const b64 = await fx.call("fs.read", { path: "big.txt", encoding: "base64" });
  assert.ok(b64.ok && Uint8Array.fromBase64(b64.result.contents).length === 8);
});

Deno.test("fs.read refuses an explicit length over maxReadBytes with TOO_LARGE", async () => {
  await using fx = await createFixture({ maxReadBytes: 8 });
  await Deno.writeTextFile(`${fx.workspace}/big.txt`, "x".repeat(100));
  const out = await fx.call("fs.read", { path: "big.txt", length: 9 });
  assert.equal(codeOf(out), "TOO_LARGE");
  assert.ok(!out.ok);
  assert.equal(
    out.error.message,
    'Cannot read "big.txt": length 9 exceeds the read limit of 8 bytes (MAX_READ_BYTES): ' +
      "read at most 8 bytes a call, moving offset on",
  );
});

Deno.test("fs.read reports NOT_FOUND for a missing file and INVALID_ARGUMENT for a directory", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d`);
  assert.equal(codeOf(await fx.call("fs.read", { path: "nope.txt" })), "NOT_FOUND");
  assert.equal(codeOf(await fx.call("fs.read", { path: "d" })), "INVALID_ARGUMENT");
  assert.equal(codeOf(await fx.call("fs.read", { path: "d/missing/x" })), "NOT_FOUND");
});

Deno.test("fs.read follows a symlink that stays inside the workspace", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/real`);
  await Deno.writeTextFile(`${fx.workspace}/real/f.txt`, "inside");
  await Deno.symlink("real", `${fx.workspace}/alias`);
  await Deno.symlink("real/f.txt", `${fx.workspace}/f-link`);
  const viaDir = await fx.call("fs.read", { path: "alias/f.txt" });
  assert.ok(viaDir.ok && viaDir.result.contents === "inside");
  const viaFile = await fx.call("fs.read", { path: "f-link" });
  assert.ok(viaFile.ok && viaFile.result.contents === "inside");
});

Deno.test("fs.read seeks to the slice instead of loading a huge file", async () => {
  await using fx = await createFixture();
  const path = `${fx.workspace}/sparse.bin`;
  const size = 4 * 1024 ** 3; // sparse: takes no disk space
  {
    using file = await Deno.open(path, { write: true, create: true });
    await file.truncate(size - 3);
    await file.seek(0, Deno.SeekMode.End);
    await file.write(new TextEncoder().encode("END"));
  }
  const out = await fx.call("fs.read", { path: "sparse.bin", offset: size - 3, length: 3 });
  assert.ok(out.ok);
  assert.equal(out.result.contents, "END");
  assert.equal(out.result.size_bytes, size);
});

Deno.test("fs.read: an offset far past the end is an empty read, not an error", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/f.txt`, "abc");
  for (const offset of [2 ** 44, Number.MAX_SAFE_INTEGER]) {
    const out = await fx.call("fs.read", { path: "f.txt", offset });
    assert.ok(out.ok, `offset ${offset}: ${JSON.stringify(out)}`);
    assert.equal(out.result.contents, "");
    assert.equal(out.result.size_bytes, 3);
  }
});

Deno.test("fs.read: a slice that cuts a character says which slice reads whole ones", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/t.txt`, "héllo wörld"); // é and ö are 2 bytes
  const cutEnd = await fx.call("fs.read", { path: "t.txt", length: 2 });
  assert.equal(codeOf(cutEnd), "INVALID_ARGUMENT");
  assert.ok(!cutEnd.ok);
  assert.match(cutEnd.error.message, /bytes 0-2 cut a UTF-8 character; offset 0 with length 1/);
  const cutStart = await fx.call("fs.read", { path: "t.txt", offset: 2, length: 5 });
  assert.ok(!cutStart.ok);
  assert.match(cutStart.error.message, /offset 3 with length 4 reads whole characters/);
  const suggested = await fx.call("fs.read", { path: "t.txt", offset: 3, length: 4 });
  assert.ok(suggested.ok && suggested.result.contents === "llo ");
});
