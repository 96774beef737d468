/**
 * Media types for artifact.get: images by their magic bytes (the name can lie), text by
 * extension when the bytes are valid UTF-8, everything else application/octet-stream.
 * @module
 */
import { decodeUtf8 } from "./encoding.ts";

/** What artifact.get returns for some bytes. */
export interface Detected {
  mimeType: string;
  /** The decoded text when the type is textual, else null (send base64). */
  text: string | null;
}

const TEXT_TYPES: Record<string, string> = {
  txt: "text/plain",
  log: "text/plain",
  ini: "text/plain",
  cfg: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  json: "application/json",
  jsonl: "application/jsonl",
  ipynb: "application/x-ipynb+json",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  js: "text/javascript",
  mjs: "text/javascript",
  ts: "text/typescript",
  py: "text/x-python",
  pyi: "text/x-python",
  sh: "text/x-shellscript",
  xml: "application/xml",
  svg: "image/svg+xml",
  yaml: "application/yaml",
  yml: "application/yaml",
  toml: "application/toml",
  sql: "application/sql",
  c: "text/x-c",
  h: "text/x-c",
  cpp: "text/x-c++",
  rs: "text/x-rust",
  go: "text/x-go",
  java: "text/x-java",
  r: "text/x-r",
  tex: "text/x-tex",
};

const MAGIC: Array<{ mimeType: string; test: (b: Uint8Array) => boolean }> = [
  {
    mimeType: "image/png",
    test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { mimeType: "image/jpeg", test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mimeType: "image/gif", test: (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a") },
  { mimeType: "image/webp", test: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP") },
  { mimeType: "application/pdf", test: (b) => ascii(b, 0, "%PDF-") },
];

/**
 * Detects the type of `bytes` named `name`. A name without an extension counts as text
 * when its bytes are valid UTF-8 with no NUL (README, Makefile, LICENSE).
 */
export function detectMime(name: string, bytes: Uint8Array): Detected {
  const magic = MAGIC.find((m) => m.test(bytes));
  if (magic) return { mimeType: magic.mimeType, text: null };
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  const textType = extension === "" ? "text/plain" : TEXT_TYPES[extension];
  if (textType !== undefined && !bytes.includes(0)) {
    const text = decodeUtf8(bytes);
    if (text !== null) return { mimeType: textType, text };
  }
  return { mimeType: "application/octet-stream", text: null };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  return startsWith(bytes.subarray(at), Array.from(text, (c) => c.charCodeAt(0)));
}
