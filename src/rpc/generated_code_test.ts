import assert from "node:assert/strict";
import { generate, lint } from "../../proto/generate.ts";

const GEN_DIR = new URL("./gen/", import.meta.url).pathname;

function npxAvailable(): boolean {
  try {
    return new Deno.Command("npx", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const HAS_NPX = npxAvailable();
if (!HAS_NPX && Deno.env.get("CI") === "true") {
  throw new Error("npx is required in CI to check that src/rpc/gen is up to date");
}

async function readTree(root: string, dir = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(`${root}/${dir}`)) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory) {
      for (const [k, v] of await readTree(root, rel)) files.set(k, v);
    } else files.set(rel, await Deno.readTextFile(`${root}/${rel}`));
  }
  return files;
}

Deno.test({
  name: "the committed src/rpc/gen matches what `deno task proto` generates (needs npx)",
  ignore: !HAS_NPX,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "proto-gen-" });
    try {
      const { ok, output } = await generate(tmp);
      assert.ok(ok, `generation failed:\n${output}`);
      const fresh = await readTree(`${tmp}/gen`);
      const committed = await readTree(GEN_DIR);
      assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort());
      for (const [file, text] of fresh) {
        assert.ok(committed.get(file) === text, `${file} is stale: run \`deno task proto\``);
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "the proto files pass buf lint (needs npx)",
  ignore: !HAS_NPX,
  async fn() {
    const { ok, output } = await lint();
    assert.ok(ok, `buf lint failed:\n${output}`);
  },
});
