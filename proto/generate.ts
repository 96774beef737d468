/**
 * Regenerates the TypeScript for proto/codegen/v1 with buf and ts-proto, fetched from npm
 * at pinned versions (only Node/npm and Deno are needed).
 *
 *     deno task proto            # writes src/rpc/gen/
 *     deno run ... generate.ts DIR   # writes DIR/gen/ (the staleness test compares it)
 * @module
 */

/** Pinned generator versions; bump both here and regenerate. */
export const GENERATOR_PACKAGES = ["@bufbuild/buf@1.75.0", "ts-proto@2.18.0"] as const;

const PROTO_DIR = new URL(".", import.meta.url).pathname;

/** Runs buf generate into `<outBase>/gen`; returns the combined output on failure. */
export function generate(outBase: string): Promise<{ ok: boolean; output: string }> {
  return buf(["generate", "--template", "buf.gen.yaml", "-o", outBase]);
}

/** Runs buf lint over proto/ (the rules are in buf.yaml). */
export function lint(): Promise<{ ok: boolean; output: string }> {
  return buf(["lint"]);
}

async function buf(command: string[]): Promise<{ ok: boolean; output: string }> {
  const args = ["-y", ...GENERATOR_PACKAGES.flatMap((p) => ["-p", p]), "--", "buf", ...command];
  const { success, stdout, stderr } = await new Deno.Command("npx", {
    args,
    cwd: PROTO_DIR,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { ok: success, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

if (import.meta.main) {
  const out = Deno.args[0] ?? new URL("../src/rpc", import.meta.url).pathname;
  const { ok, output } = await generate(out);
  await Deno.stderr.write(new TextEncoder().encode(output));
  Deno.exit(ok ? 0 : 1);
}
