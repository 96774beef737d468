/**
 * Whether an external program a test needs is installed. Locally a missing one skips the
 * test with a message; under CI=true the test runs anyway and fails, so CI never passes
 * by skipping.
 * @module
 */
const found = new Map<string, boolean>();

function has(program: string): boolean {
  let ok = found.get(program);
  if (ok === undefined) {
    try {
      ok = new Deno.Command("sh", {
        args: ["-c", `command -v ${program}`],
        stdout: "null",
        stderr: "null",
      })
        .outputSync().success;
    } catch {
      ok = false;
    }
    found.set(program, ok);
  }
  return ok;
}

/** `ignore` value for Deno.test: true only when a program is missing and CI is not set. */
export function skipWithout(...programs: string[]): boolean {
  const missing = programs.filter((p) => !has(p));
  if (missing.length === 0) return false;
  if (Deno.env.get("CI") === "true") return false;
  // deno-lint-ignore no-console
  console.warn(
    `skipping: ${
      missing.join(", ")
    } not installed (install them, or run with CI=true to fail instead)`,
  );
  return true;
}
