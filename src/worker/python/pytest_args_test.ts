import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { checkPytestArgs, MAX_PYTEST_ARGS } from "./pytest_args.ts";

Deno.test("checkPytestArgs() passes selection and report options through unchanged", () => {
  const args = [
    "-x",
    "-q",
    "-vv",
    "-k",
    "adds and not slow",
    "-mslow",
    "--maxfail=3",
    "--maxfail",
    "2",
    "--tb=short",
    "-rfE",
    "-p",
    "no:warnings",
    "-pno:randomly",
    "--durations=5",
  ];
  assert.deepEqual(checkPytestArgs(args), args);
  assert.deepEqual(checkPytestArgs(undefined), []);
});

Deno.test("checkPytestArgs() refuses options that write files, load code or move the root", () => {
  const refused: [string[], RegExp][] = [
    [["--junitxml=/workspace/r.xml"], /"--junitxml=\/workspace\/r.xml" to pytest: option is not/],
    [
      ["--junit-xml", "r.xml"],
      /option is not allowed; test\.run accepts -x .* -k -m .* with a value$/,
    ],
    [["--rootdir=/"], /option is not allowed/],
    [["-c", "/etc/pytest.ini"], /option is not allowed/],
    [["--basetemp=/workspace/x"], /option is not allowed/],
    [["--confcutdir=/"], /option is not allowed/],
    [["--pyargs"], /option is not allowed/],
    [["-o", "cache_dir=/x"], /option is not allowed/],
    [["-p", "evil"], /bad value for -p/],
    [["-p", "no:junitxml"], /bad value for -p/],
    [["-W", "error::evil.Warning"], /option is not allowed/],
    [["-xvs"], /option is not allowed: pass short flags one by one, as -x -v -s$/],
    [["-k"], /bad value for -k/],
    [["-k", "--junitxml=x"], /bad value for -k/],
    [["--maxfail=lots"], /bad value for --maxfail/],
    [["--tb=evil"], /bad value for --tb/],
    [["tests/other.py"], /give test files and directories in path/],
    [["-k", "a\nb"], /control character/],
  ];
  for (const [args, reason] of refused) {
    assert.throws(
      () => checkPytestArgs(args),
      (err: unknown) =>
        err instanceof CodegenError && err.code === "INVALID_ARGUMENT" && reason.test(err.message),
      JSON.stringify(args),
    );
  }
  assert.throws(() => checkPytestArgs(Array(MAX_PYTEST_ARGS + 1).fill("-q")), /at most 32/);
});
