import assert from "node:assert/strict";
import { codeOf, createFixture } from "./_testing.ts";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

Deno.test("artifact.get returns an image as base64 with its type", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/out`);
  await Deno.writeFile(`${fx.workspace}/out/plot.png`, PNG);
  const out = await fx.call("artifact.get", { path: "out/plot.png" });
  assert.ok(out.ok);
  assert.deepEqual(out.result, {
    path: "out/plot.png",
    mime_type: "image/png",
    size_bytes: PNG.length,
    encoding: "base64",
    data: PNG.toBase64(),
  });
});

Deno.test("artifact.get returns text as text and unknown bytes as octet-stream", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/r.csv`, "a,b\n1,2\n");
  await Deno.writeFile(`${fx.workspace}/x.dat`, new Uint8Array([1, 0, 2]));
  const csv = await fx.call("artifact.get", { path: "r.csv" });
  assert.ok(csv.ok);
  assert.equal(csv.result.mime_type, "text/csv");
  assert.equal(csv.result.encoding, "text");
  assert.equal(csv.result.data, "a,b\n1,2\n");
  const dat = await fx.call("artifact.get", { path: "x.dat" });
  assert.ok(dat.ok);
  assert.equal(dat.result.mime_type, "application/octet-stream");
  assert.equal(dat.result.data, "AQAC");
});

Deno.test("artifact.get refuses files over maxFileBytes and reports missing ones", async () => {
  await using fx = await createFixture({ maxFileBytes: 4 });
  await Deno.writeTextFile(`${fx.workspace}/big.txt`, "12345");
  const big = await fx.call("artifact.get", { path: "big.txt" });
  assert.equal(codeOf(big), "TOO_LARGE");
  // says which limit and how to get the file anyway
  assert.ok(
    !big.ok && /limit of 4 \(MAX_FILE_BYTES\): read it in slices with fs.read$/.test(
      big.error.message,
    ),
  );
  assert.equal(codeOf(await fx.call("artifact.get", { path: "nope.png" })), "NOT_FOUND");
  assert.equal(codeOf(await fx.call("artifact.get", { path: "../x.png" })), "PATH_VIOLATION");
});
