/**
 * A tiny PEP 503 package index for tests: builds pure-Python wheels locally (python3's
 * zipfile, no network) and serves them at `/simple/` on 127.0.0.1 with a free port.
 * @module
 */
import { sha256Hex } from "../../src/core/mod.ts";

/** One wheel to build and serve. */
export interface WheelSpec {
  /** Distribution name, e.g. "demo-pkg". */
  name: string;
  version: string;
  /** Importable module; default: the name in lower case with `-` and `.` as `_`. */
  module?: string;
  /** `Requires-Dist` entries. */
  requires?: string[];
  /** Source of `<module>/__init__.py`; default sets `VALUE = "<name> <version>"`. */
  source?: string;
  /** More files at the wheel's root (purelib), by path, e.g. a `.pth` file. */
  files?: Record<string, string>;
}

/** A built wheel. */
export interface Wheel {
  filename: string;
  bytes: Uint8Array;
  sha256: string;
  /** PEP 503 normalized project name. */
  project: string;
}

/** A running index; `url` is the `/simple/` URL to give pip. */
export interface PypiIndex extends AsyncDisposable {
  url: string;
  /** Paths requested so far (e.g. `/files/x.whl`), to show what pip fetched. */
  requests: string[];
  close(): Promise<void>;
}

const BUILD_SCRIPT = `
import base64, hashlib, json, sys, zipfile
spec = json.load(sys.stdin)
dist = spec["dist"]
files = {spec["module"] + "/__init__.py": spec["source"], **spec["files"]}
info = f"{dist}-{spec['version']}.dist-info"
meta = f"Metadata-Version: 2.1\\nName: {spec['name']}\\nVersion: {spec['version']}\\n"
for r in spec["requires"]:
    meta += f"Requires-Dist: {r}\\n"
files[info + "/METADATA"] = meta
files[info + "/WHEEL"] = "Wheel-Version: 1.0\\nGenerator: codegen-mcp-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
record = []
for path, text in files.items():
    data = text.encode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(data)}")
record.append(info + "/RECORD,,")
files[info + "/RECORD"] = "\\n".join(record) + "\\n"
with zipfile.ZipFile(spec["out"], "w", zipfile.ZIP_DEFLATED) as z:
    for path, text in files.items():
        z.writestr(path, text)
`;

/** Builds one wheel with the host's python3. */
export async function buildWheel(spec: WheelSpec): Promise<Wheel> {
  const dist = spec.name.replace(/[-_.]+/g, "_");
  const filename = `${dist}-${spec.version}-py3-none-any.whl`;
  const dir = await Deno.makeTempDir({ prefix: "wheel-" });
  try {
    const out = `${dir}/${filename}`;
    const child = new Deno.Command("python3", {
      args: ["-c", BUILD_SCRIPT],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode(JSON.stringify({
        name: spec.name,
        version: spec.version,
        dist,
        module: spec.module ?? dist.toLowerCase(),
        requires: spec.requires ?? [],
        files: spec.files ?? {},
        source: spec.source ?? `VALUE = ${JSON.stringify(`${spec.name} ${spec.version}`)}\n`,
        out,
      })),
    );
    await writer.close();
    const { code, stderr } = await child.output();
    if (code !== 0) {
      throw new Error(`Building ${filename} failed: ${new TextDecoder().decode(stderr)}`);
    }
    const bytes = await Deno.readFile(out);
    const project = spec.name.toLowerCase().replace(/[-_.]+/g, "-");
    return { filename, bytes, sha256: await sha256Hex(bytes), project };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Builds the wheels and serves them as a simple index until closed. */
export async function startPypiIndex(specs: WheelSpec[]): Promise<PypiIndex> {
  const wheels = await Promise.all(specs.map(buildWheel));
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    return respond(wheels, path);
  });
  const url = `http://127.0.0.1:${server.addr.port}/simple/`;
  let closed: Promise<void> | undefined;
  const close = () => closed ??= server.shutdown();
  return { url, requests, close, [Symbol.asyncDispose]: close };
}

function respond(wheels: Wheel[], path: string): Response {
  const html = (body: string) =>
    new Response(`<!DOCTYPE html><html><body>\n${body}</body></html>\n`, {
      headers: { "content-type": "text/html" },
    });
  if (path === "/simple/") {
    const projects = [...new Set(wheels.map((w) => w.project))];
    return html(projects.map((p) => `<a href="${p}/">${p}</a>\n`).join(""));
  }
  const project = /^\/simple\/([a-z0-9-]+)\/$/.exec(path)?.[1];
  if (project) {
    const mine = wheels.filter((w) => w.project === project);
    if (mine.length === 0) return new Response("not found", { status: 404 });
    return html(
      mine.map((w) => `<a href="../../files/${w.filename}#sha256=${w.sha256}">${w.filename}</a>\n`)
        .join(""),
    );
  }
  const file = wheels.find((w) => path === `/files/${w.filename}`);
  if (file) {
    return new Response(file.bytes.slice(), {
      headers: { "content-type": "application/octet-stream" },
    });
  }
  return new Response("not found", { status: 404 });
}
