/**
 * Files whose names are not valid UTF-8, which Deno cannot create (its paths are strings):
 * the shell's printf writes the raw bytes.
 * @module
 */

/** Creates an empty file in `dir` named by `bytes` (any bytes but `/` and NUL). */
export async function touchRawName(dir: string, bytes: number[]): Promise<void> {
  const octal = bytes.map((b) => `\\${b.toString(8).padStart(3, "0")}`).join("");
  const { success, stderr } = await new Deno.Command("sh", {
    args: ["-c", `: > "$1/$(printf '${octal}')"`, "sh", dir],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`cannot create a raw name: ${new TextDecoder().decode(stderr)}`);
}

/** The bytes of `text` in UTF-8, to build a raw name around. */
export function utf8(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}
