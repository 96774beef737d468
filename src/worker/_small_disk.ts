/**
 * Test helper: a real, small file system (a size-limited tmpfs) to fill up. Mounting needs
 * root (CI runs as root); elsewhere tests that need it are skipped, except under CI=true.
 * @module
 */

async function run(command: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false; // no such command, or not allowed to run it
  }
}

/** Runs `fn` with the real path of an empty directory on a tmpfs of `bytes`, then unmounts it. */
export async function withSmallDisk<T>(bytes: number, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "codegen-disk-" }));
  try {
    if (!(await run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]))) {
      throw new Error(`Cannot mount a tmpfs on ${dir}`);
    }
    try {
      return await fn(dir);
    } finally {
      await run("umount", [dir]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `ignore` for tests that need {@link withSmallDisk}: skip where mounting is refused, unless CI=true. */
export async function withoutSmallDisk(): Promise<boolean> {
  const mounted = await withSmallDisk(64 * 1024, () => Promise.resolve(true)).catch(() => false);
  if (mounted || Deno.env.get("CI") === "true") return false;
  const note =
    "cannot mount a tmpfs here (needs root): skipping full-disk tests (they fail under CI=true)\n";
  Deno.stderr.writeSync(new TextEncoder().encode(note));
  return true;
}
