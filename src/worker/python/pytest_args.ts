/**
 * The pytest options a client may pass to test.run: an allow-list of options that only
 * select tests or shape the report. Anything that writes files, reads configuration or
 * plugins from elsewhere, or moves the root (`--junitxml`, `-c`, `--rootdir`, `-p foo`,
 * `--basetemp`, `--confcutdir`, `--pyargs`, `-o`, ...) is refused, as are positionals.
 * @module
 */
import { CodegenError } from "../../core/mod.ts";

/** Most arguments one call may pass. */
export const MAX_PYTEST_ARGS = 32;
/** Longest single argument. */
export const MAX_PYTEST_ARG_CHARS = 500;

const FLAGS = new Set([
  "-x",
  "--exitfirst",
  "-q",
  "-qq",
  "--quiet",
  "-v",
  "-vv",
  "-vvv",
  "--verbose",
  "-s",
  "-l",
  "--showlocals",
  "--strict-markers",
  "--disable-warnings",
  "--no-header",
  "--no-summary",
  "--runxfail",
  "--co",
  "--collect-only",
  "--setup-show",
  "--full-trace",
]);

type Check = (value: string) => boolean;
const anyText: Check = (v) => v.length > 0;
const count: Check = (v) => /^\d{1,6}$/.test(v);
const oneOf = (...values: string[]): Check => (v) => values.includes(v);

/** Options taking a value, as `--opt value`, `--opt=value` or (short) `-ovalue`. */
const VALUED: Record<string, Check> = {
  "-k": anyText,
  "-m": anyText,
  "--maxfail": count,
  "--durations": count,
  "--durations-min": (v) => /^\d{1,6}(\.\d{1,6})?$/.test(v),
  "--tb": oneOf("auto", "long", "short", "line", "native", "no"),
  "--capture": oneOf("no", "sys", "fd", "tee-sys"),
  "--color": oneOf("yes", "no", "auto"),
  "-r": (v) => /^[fEsxXpPaAN]+$/.test(v),
  // only disabling a plugin; our JUnit report must stay on
  "-p": (v) => /^no:[A-Za-z0-9_.-]+$/.test(v) && v !== "no:junitxml",
};

// deno-lint-ignore no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Validates `args`; throws INVALID_ARGUMENT naming the first refused one. */
export function checkPytestArgs(args: readonly string[] | undefined): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw refuse("args", "args must be a list of strings");
  if (args.length > MAX_PYTEST_ARGS) {
    throw new CodegenError(
      "INVALID_ARGUMENT",
      `Cannot pass ${args.length} arguments to pytest: at most ${MAX_PYTEST_ARGS}`,
    );
  }
  for (const arg of args) {
    if (typeof arg !== "string") throw refuse(String(arg), "arguments must be strings");
    if (arg.length > MAX_PYTEST_ARG_CHARS) throw refuse(arg, "it is too long");
    if (CONTROL.test(arg)) throw refuse(arg, "it contains a control character");
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (FLAGS.has(arg)) continue;
    const [option, value, takesNext] = splitOption(arg);
    const check = VALUED[option];
    if (!check) {
      if (!arg.startsWith("-")) throw refuse(arg, "give test files and directories in path");
      throw refuse(arg, notAllowed(arg));
    }
    const actual = takesNext ? args[++i] : value;
    // a value that looks like an option would reach pytest as one
    if (actual === undefined || (takesNext && actual.startsWith("-")) || !check(actual)) {
      throw refuse(actual ?? arg, `bad value for ${option}`);
    }
  }
  return [...args];
}

// Says what is accepted instead: the caller can only guess at an allow-list otherwise.
function notAllowed(arg: string): string {
  const letters = /^-([A-Za-z]{2,})$/.exec(arg)?.[1];
  if (letters && [...letters].every((c) => FLAGS.has(`-${c}`))) {
    return `option is not allowed: pass short flags one by one, as ${
      [...letters].map((c) => `-${c}`).join(" ")
    }`;
  }
  return `option is not allowed; test.run accepts ${[...FLAGS].join(" ")}, and ` +
    `${Object.keys(VALUED).join(" ")} with a value`;
}

/** `--opt=v` → [opt, v]; `--opt` → [opt, _, true]; `-kexpr` → [-k, expr]. */
function splitOption(arg: string): [string, string | undefined, boolean] {
  if (arg.startsWith("--")) {
    const eq = arg.indexOf("=");
    return eq < 0 ? [arg, undefined, true] : [arg.slice(0, eq), arg.slice(eq + 1), false];
  }
  if (arg.startsWith("-") && arg.length > 2) return [arg.slice(0, 2), arg.slice(2), false];
  return [arg, undefined, true];
}

function refuse(arg: string, reason: string): CodegenError {
  const text = JSON.stringify(arg.length > 100 ? `${arg.slice(0, 100)}...` : arg);
  return new CodegenError("INVALID_ARGUMENT", `Cannot pass ${text} to pytest: ${reason}`);
}
