import assert from "node:assert/strict";
import { detectMime } from "./mime.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("detectMime() trusts magic bytes over the file name for images", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  assert.deepEqual(detectMime("plot.txt", png), { mimeType: "image/png", text: null });
  assert.equal(detectMime("x", new Uint8Array([0xff, 0xd8, 0xff, 0xe0])).mimeType, "image/jpeg");
  assert.equal(detectMime("x", text("GIF89a....")).mimeType, "image/gif");
  assert.equal(detectMime("x", text("RIFF\0\0\0\0WEBPVP8 ")).mimeType, "image/webp");
  assert.equal(detectMime("x", text("%PDF-1.7")).mimeType, "application/pdf");
});

Deno.test("detectMime() names common text by extension when the bytes are UTF-8", () => {
  assert.deepEqual(detectMime("a.py", text("print('é')")), {
    mimeType: "text/x-python",
    text: "print('é')",
  });
  assert.equal(detectMime("README.MD", text("# hi")).mimeType, "text/markdown");
  assert.equal(detectMime("data.json", text("{}")).mimeType, "application/json");
  assert.equal(detectMime("t.csv", text("a,b")).mimeType, "text/csv");
  assert.equal(detectMime("i.html", text("<p>")).mimeType, "text/html");
  assert.equal(detectMime("Makefile", text("all:")).mimeType, "text/plain");
});

Deno.test("detectMime() falls back to octet-stream for binary or unknown content", () => {
  const bad = new Uint8Array([0x61, 0xff, 0xfe]);
  assert.deepEqual(detectMime("a.txt", bad), { mimeType: "application/octet-stream", text: null });
  assert.equal(detectMime("a.txt", new Uint8Array([0x61, 0])).mimeType, "application/octet-stream");
  assert.equal(detectMime("model.bin", text("hello")).mimeType, "application/octet-stream");
  assert.equal(detectMime(".bashrc", text("x")).mimeType, "text/plain");
});
