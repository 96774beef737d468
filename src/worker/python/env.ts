import { CodegenError } from "../../core/mod.ts";
import { VENV_SANDBOX_PATH } from "./venv.ts";

/** Most variables a call may set. */
export const MAX_ENV_VARS = 128;
/** Largest total size of a call's variables (names + values), in UTF-16 units. */
export const MAX_ENV_CHARS = 256 * 1024;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The sandbox's own variables, and those that change how Python or the loader start.
const RESERVED = new Set(["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "VIRTUAL_ENV", "PWD"]);
const RESERVED_PREFIXES = ["PYTHON", "LD_", "LC_"];

/** The fixed environment of every sandboxed interpreter (nothing comes from the worker). */
export function sandboxEnv(hasVenv: boolean): Record<string, string> {
  const path = "/usr/local/bin:/usr/bin:/bin";
  return {
    PATH: hasVenv ? `${VENV_SANDBOX_PATH}/bin:${path}` : path,
    HOME: "/tmp",
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
    ...(hasVenv ? { VIRTUAL_ENV: VENV_SANDBOX_PATH } : {}),
  };
}

/**
 * Checks a call's `env`: valid names, bounded count and size, and none of the sandbox's
 * own variables (PATH, HOME, PYTHON*, LD_*, ...). Throws INVALID_ARGUMENT.
 */
export function validateUserEnv(env: Record<string, string> | undefined): Record<string, string> {
  if (env === undefined) return {};
  if (env === null || typeof env !== "object" || Array.isArray(env)) {
    throw new CodegenError("INVALID_ARGUMENT", "Invalid env: expected an object of strings");
  }
  const entries = Object.entries(env);
  if (entries.length > MAX_ENV_VARS) {
    throw new CodegenError("INVALID_ARGUMENT", `Invalid env: more than ${MAX_ENV_VARS} variables`);
  }
  let size = 0;
  for (const [name, value] of entries) {
    if (!NAME.test(name)) {
      throw new CodegenError("INVALID_ARGUMENT", `Invalid env name ${JSON.stringify(name)}`);
    }
    if (typeof value !== "string" || value.includes("\0")) {
      throw new CodegenError("INVALID_ARGUMENT", `Invalid env value for "${name}"`);
    }
    if (RESERVED.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) {
      throw new CodegenError(
        "INVALID_ARGUMENT",
        `Cannot set env "${name}": the sandbox sets it itself`,
      );
    }
    size += name.length + value.length;
  }
  if (size > MAX_ENV_CHARS) {
    throw new CodegenError(
      "INVALID_ARGUMENT",
      `Invalid env: larger than ${MAX_ENV_CHARS} characters`,
    );
  }
  return { ...env };
}
