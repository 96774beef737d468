/**
 * Checks test.run's `path`. The path is a workspace-relative file
 * or directory, optionally followed by a pytest node id suffix (`tests/test_a.py::test_x`);
 * it must exist and, through any symlinks, stay inside the workspace.
 * @module
 */
import { CodegenError } from "../../core/mod.ts";
import { checkRelativePath, pathViolation, quotePath } from "../../policy/mod.ts";

/** Where the workspace appears inside the sandbox. */
const SANDBOX_WORKSPACE = "/workspace";
/** Longest node id suffix (after `::`) accepted. */
const MAX_NODE_SUFFIX_CHARS = 1000;
// deno-lint-ignore no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Returns the argument for pytest: an absolute path inside the sandbox, which can never
 * be read as an option.
 */
export async function resolveTestTarget(workspace: string, path: string): Promise<string> {
  if (typeof path !== "string") throw pathViolation(String(path), "path is not a string");
  const sep = path.indexOf("::");
  const file = sep < 0 ? path : path.slice(0, sep);
  const suffix = sep < 0 ? "" : path.slice(sep);
  if (suffix.length > MAX_NODE_SUFFIX_CHARS || CONTROL.test(suffix)) {
    throw new CodegenError("INVALID_ARGUMENT", `Cannot test ${quotePath(path)}: bad test id`);
  }
  const check = checkRelativePath(file);
  if (!check.ok) throw pathViolation(path, check.reason);
  const host = check.normalized === "." ? workspace : `${workspace}/${check.normalized}`;
  let real: string;
  try {
    real = await Deno.realPath(host);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new CodegenError(
        "NOT_FOUND",
        `Cannot test ${quotePath(path)}: no such file or directory`,
      );
    }
    throw CodegenError.from(err);
  }
  if (real !== workspace && !real.startsWith(`${workspace}/`)) {
    throw pathViolation(path, "path leaves the workspace");
  }
  const inSandbox = check.normalized === "."
    ? SANDBOX_WORKSPACE
    : `${SANDBOX_WORKSPACE}/${check.normalized}`;
  return `${inSandbox}${suffix}`;
}
