import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import type { RunPythonArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { type TestRoot, withoutBubblewrap, withPythonSession } from "./_testing.ts";

const ignore = await withoutBubblewrap();

/** Runs `fn` with a fresh runtime and session "s1", releasing both afterwards. */
async function withRuntime(
  fn: (
    run: (args: RunPythonArgs) => Promise<TaskOutcome<"run.python">>,
    ctx: TaskContext,
    root: TestRoot,
  ) => Promise<void>,
): Promise<void> {
  await withPythonSession(({ rt, ctx, root }) => fn((args) => rt.runPython(ctx, args), ctx, root));
}

function ok(outcome: TaskOutcome<"run.python">) {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome;
}

Deno.test({
  name: "run.python prints hello world with exit code 0 and no error",
  ignore,
  fn: () =>
    withRuntime(async (run) => {
      const out = ok(await run({ code: "print('hello world')" }));
      assert.equal(out.result.stdout, "hello world\n");
      assert.equal(out.result.stderr, "");
      assert.equal(out.result.exit_code, 0);
      assert.equal(out.result.timed_out, false);
      assert.equal(out.is_error, undefined);
    }),
});

Deno.test({
  name: "run.python reports a non-zero exit and an exception as is_error with EXIT_CODE",
  ignore,
  fn: () =>
    withRuntime(async (run) => {
      const exit = ok(await run({ code: "import sys; print('bye'); sys.exit(7)" }));
      assert.equal(exit.result.exit_code, 7);
      assert.equal(exit.result.stdout, "bye\n");
      assert.equal(exit.is_error, true);
      assert.match(exit.error_text ?? "", /^EXIT_CODE: .*7/);
      const raised = ok(await run({ code: "print('out')\nraise ValueError('boom')" }));
      assert.equal(raised.result.exit_code, 1);
      assert.equal(raised.result.stdout, "out\n");
      assert.match(raised.result.stderr, /File "<string>", line 2, in <module>\nValueError: boom/);
      assert.doesNotMatch(raised.result.stderr, /_main/, "the bootstrap's frame is hidden");
    }),
});

Deno.test({
  name: "run.python passes stdin and args, and sys.argv matches python -c",
  ignore,
  fn: () =>
    withRuntime(async (run) => {
      const out = ok(
        await run({
          code: "import sys; print(sys.argv); print(sys.stdin.read()[::-1])",
          args: ["a", "b c"],
          stdin: "olleh",
        }),
      );
      assert.equal(out.result.stdout, "['-c', 'a', 'b c']\nhello\n");
    }),
});

Deno.test({
  name: "run.python file mode sets __file__, sys.argv and imports beside the file",
  ignore,
  fn: () =>
    withRuntime(async (run, ctx) => {
      await Deno.mkdir(`${ctx.workspace}/pkg`);
      await Deno.writeTextFile(`${ctx.workspace}/pkg/helper.py`, "VALUE = 5\n");
      await Deno.writeTextFile(
        `${ctx.workspace}/pkg/main.py`,
        "import sys, helper\nprint(__file__, __name__, sys.argv, helper.VALUE)\n",
      );
      const out = ok(await run({ file: "pkg/main.py", args: ["x"] }));
      assert.equal(out.result.stdout, "/workspace/pkg/main.py __main__ ['pkg/main.py', 'x'] 5\n");
      await assert.rejects(run({ file: "missing.py" }), (e: unknown) =>
        e instanceof CodegenError && e.code === "NOT_FOUND");
      await assert.rejects(run({ file: "../s2/x.py" }), (e: unknown) =>
        e instanceof CodegenError && e.code === "PATH_VIOLATION");
      await assert.rejects(run({ code: "1", file: "pkg/main.py" }), (e: unknown) =>
        e instanceof CodegenError && e.code === "INVALID_ARGUMENT");
    }),
});

Deno.test({
  name: "run.python refuses a lone surrogate in code, stdin, args or env before anything runs",
  ignore,
  fn: () =>
    withRuntime(async (run, ctx) => {
      const code = "open('ran.txt', 'w').write('x')";
      const refused: Array<[RunPythonArgs, RegExp]> = [
        [{ code: `${code}\nx = 'a\ud800b'` }, /^Invalid code: a lone surrogate/],
        [{ code, stdin: "a\ud800b" }, /^Invalid stdin: /],
        [{ code, stdin: "a\ud800b", stateful: true }, /^Invalid stdin: /],
        [{ code, args: ["\udc00"] }, /^Invalid args\[0\]: /],
        [{ code, env: { K: "\ud800" } }, /^Invalid env\["K"\]: /],
      ];
      for (const [args, message] of refused) {
        await assert.rejects(
          run(args),
          (e: unknown) =>
            e instanceof CodegenError && e.code === "INVALID_ARGUMENT" && message.test(e.message),
          JSON.stringify(args),
        );
      }
      assert.deepEqual([...Deno.readDirSync(ctx.workspace)], [], "nothing ran");
    }),
});

Deno.test({
  name: "run.python says why a script could not be started instead of failing silently",
  ignore,
  fn: () =>
    withRuntime(async (run, ctx) => {
      await Deno.writeTextFile(`${ctx.workspace}/locked.py`, "print('never')\n");
      await Deno.chmod(`${ctx.workspace}/locked.py`, 0o000);
      for (const stateful of [false, true]) {
        const out = ok(await run({ file: "locked.py", stateful }));
        assert.equal(out.result.exit_code, 1);
        assert.equal(out.result.stdout, "");
        assert.match(
          out.result.stderr,
          /PermissionError: \[Errno 13\] Permission denied/,
          `stateful: ${stateful}`,
        );
      }
    }),
});

Deno.test({
  name: "run.python applies env and refuses to override the sandbox's own variables",
  ignore,
  fn: () =>
    withRuntime(async (run) => {
      const out = ok(
        await run({
          code: "import os; print(os.environ['GREETING'], os.environ['HOME'])",
          env: { GREETING: "hi" },
        }),
      );
      assert.equal(out.result.stdout, "hi /tmp\n");
      for (
        const name of ["PATH", "HOME", "PYTHONPATH", "LD_PRELOAD", "VIRTUAL_ENV", "1BAD", "A-B"]
      ) {
        await assert.rejects(
          run({ code: "print(1)", env: { [name]: "x" } }),
          (e: unknown) => e instanceof CodegenError && e.code === "INVALID_ARGUMENT",
          name,
        );
      }
    }),
});

Deno.test({
  name: "run.python lists files created and modified during the run as artifacts",
  ignore,
  fn: () =>
    withRuntime(async (run, ctx) => {
      await Deno.writeTextFile(`${ctx.workspace}/keep.txt`, "same");
      await Deno.writeTextFile(`${ctx.workspace}/edit.txt`, "old");
      const out = ok(
        await run({
          code:
            "import os\nos.makedirs('out', exist_ok=True)\nopen('out/plot.png','wb').write(b'12345')\n" +
            "open('edit.txt','a').write('+new')\nprint(open('keep.txt').read())",
        }),
      );
      assert.equal(out.result.stdout, "same\n", "files the worker wrote are readable");
      assert.deepEqual(out.result.artifacts, [
        { path: "edit.txt", size_bytes: 7, change: "modified" },
        { path: "out/plot.png", size_bytes: 5, change: "created" },
      ]);
      // what the sandbox created stays usable by the worker
      assert.equal(await Deno.readTextFile(`${ctx.workspace}/edit.txt`), "old+new");
      await Deno.remove(`${ctx.workspace}/out`, { recursive: true });
    }),
});

Deno.test({
  name: "run.python code can use /dev/null, /dev/urandom, /tmp and subprocesses",
  ignore,
  fn: () =>
    withRuntime(async (run) => {
      const out = ok(
        await run({
          code: "import os, subprocess, tempfile\n" +
            "subprocess.run(['true'], stdin=subprocess.DEVNULL, check=True)\n" +
            "assert len(os.urandom(8)) == 8\n" +
            "with tempfile.NamedTemporaryFile() as f: f.write(b'x')\n" +
            "print(subprocess.run(['echo', 'sub'], capture_output=True, text=True).stdout, end='')",
        }),
      );
      assert.equal(out.result.stdout, "sub\n", out.result.stderr);
    }),
});

Deno.test({
  name: "run.python validates timeout_seconds against the configured maximum",
  ignore,
  fn: () =>
    withRuntime(async (run) => {
      for (const t of [0, -1, 61]) {
        await assert.rejects(
          run({ code: "print(1)", timeout_seconds: t }),
          (e: unknown) => e instanceof CodegenError && e.code === "INVALID_ARGUMENT",
        );
      }
    }),
});

Deno.test({
  name: "run.python streams output as log events and reports progress while running",
  ignore,
  fn: () =>
    withRuntime(async (run, _ctx, root) => {
      const out = ok(
        await run({
          code: "import time\nprint('first', flush=True)\ntime.sleep(1.2)\nprint('second')",
        }),
      );
      assert.equal(out.result.stdout, "first\nsecond\n");
      const logs = root.events.filter((e) => e.type === "log").map((e) =>
        e.type === "log" && e.data
      );
      assert.ok(logs.join("").includes("first"));
      const progress = root.events.filter((e) => e.type === "progress");
      assert.ok(progress.length >= 1, "at least one progress event during 1.2 s");
      assert.ok(progress.some((e) => e.type === "progress" && e.message === "first"));
    }),
});

Deno.test({
  name: "run.python output is line-buffered in both modes, and a partial last line still arrives",
  ignore,
  fn: () =>
    withRuntime(async (run) => {
      // print() is one write per line, not one per piece; child processes stay unbuffered
      const code = "import os, sys\n" +
        "print(sys.stdout.line_buffering, sys.stdout.write_through, sys.stderr.line_buffering)\n" +
        "print(os.environ.get('PYTHONUNBUFFERED'))\n" +
        "sys.stdout.write('partial')";
      for (const stateful of [false, true]) {
        const out = ok(await run({ code, stateful }));
        assert.equal(out.result.stdout, "True False True\n1\npartial", `stateful=${stateful}`);
      }
    }),
});

for (const stateful of [false, true]) {
  const mode = stateful ? "stateful" : "stateless";

  Deno.test({
    name:
      `run.python (${mode}) puts stdin on fd 0: sys.stdin.buffer, os.read(0) and child processes read it`,
    ignore,
    fn: () =>
      withRuntime(async (run) => {
        const read = async (how: string) =>
          ok(await run({ stateful, code: how, stdin: "in put\n" }));
        const buffered = await read("import sys\nprint(sys.stdin.buffer.read())");
        assert.equal(buffered.result.stdout, "b'in put\\n'\n", buffered.result.stderr);
        const raw = await read("import os\nprint(os.read(0, 100))");
        assert.equal(raw.result.stdout, "b'in put\\n'\n", raw.result.stderr);
        const child = await read("import subprocess\nsubprocess.run(['cat'])");
        assert.equal(child.result.stdout, "in put\n", child.result.stderr);
        const text = await read(
          "import sys\nprint(repr(sys.stdin.readline()), sys.stdin.encoding)",
        );
        assert.equal(text.result.stdout, "'in put\\n' utf-8\n", text.result.stderr);
        // the next call without stdin reads nothing, on every level
        const after = ok(
          await run({
            stateful,
            code: "import os, sys\nprint(repr(sys.stdin.read()), os.read(0, 9))",
          }),
        );
        assert.equal(after.result.stdout, "'' b''\n", after.result.stderr);
      }),
  });

  Deno.test({
    name:
      `run.python (${mode}) file mode imports beside the script's real path, also through a symlink`,
    ignore,
    fn: () =>
      withRuntime(async (run, ctx) => {
        await Deno.mkdir(`${ctx.workspace}/pkg`);
        await Deno.writeTextFile(`${ctx.workspace}/pkg/mod.py`, "VALUE = 7\n");
        await Deno.writeTextFile(
          `${ctx.workspace}/pkg/script.py`,
          "import sys, mod\nprint(mod.VALUE, sys.path[0])\n",
        );
        await Deno.symlink("pkg/script.py", `${ctx.workspace}/link.py`);
        const direct = ok(await run({ stateful, file: "pkg/script.py" }));
        assert.equal(direct.result.stdout, "7 /workspace/pkg\n", direct.result.stderr);
        const linked = ok(await run({ stateful, file: "link.py" }));
        assert.equal(linked.result.stdout, "7 /workspace/pkg\n", linked.result.stderr);
        // code runs import from the working directory again, as python3 -c does
        const code = ok(await run({ stateful, code: "import sys\nprint(repr(sys.path[0]))" }));
        assert.equal(code.result.stdout, "''\n", code.result.stderr);
      }),
  });

  Deno.test({
    name: `run.python (${mode}) reduces sys.exit codes to 0-255 as python3 does`,
    ignore,
    fn: () =>
      withRuntime(async (run) => {
        const exit = async (arg: string) =>
          ok(await run({ stateful, code: `import sys\nsys.exit(${arg})` })).result;
        assert.equal((await exit("256")).exit_code, 0);
        assert.equal((await exit("-1")).exit_code, 255);
        assert.equal((await exit("257")).exit_code, 1);
        assert.equal((await exit("None")).exit_code, 0);
        const text = await exit("'bye'");
        assert.equal(text.exit_code, 1);
        assert.equal(text.stderr, "bye\n");
      }),
  });
}
