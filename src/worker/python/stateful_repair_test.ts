import assert from "node:assert/strict";
import type { RunPythonArgs, TaskOutcome } from "../../rpc/mod.ts";
import { withoutBubblewrap, withPythonSession } from "./_testing.ts";

const ignore = await withoutBubblewrap();

type Run = (args: RunPythonArgs) => Promise<TaskOutcome<"run.python">>;

function withStateful(fn: (run: Run) => Promise<void>) {
  return withPythonSession(({ rt, ctx }) =>
    fn((args) => rt.runPython(ctx, { stateful: true, ...args }))
  );
}

function ran(outcome: TaskOutcome<"run.python">) {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.result;
}

const HELLO_EXIT_3 = "print('hello')\nraise SystemExit(3)";

Deno.test({
  name: "a stateful call after code closed fds 1 and 2 has its output and its own exit code",
  ignore,
  fn: () =>
    withStateful(async (run) => {
      ran(await run({ code: "kept = 5\nimport os\nos.close(1)\nos.close(2)" }));
      const next = ran(await run({ code: HELLO_EXIT_3 }));
      assert.equal(next.exit_code, 3);
      assert.equal(next.stdout, "hello\n");
      assert.equal(next.interpreter_restarted, undefined, "the same interpreter serves it");
      const after = ran(
        await run({ code: "import sys\nprint(kept)\nprint('err', file=sys.stderr)" }),
      );
      assert.deepEqual([after.stdout, after.stderr, after.exit_code], ["5\n", "err\n", 0]);
    }),
});

Deno.test({
  name: "a stateful call after code closed sys.stdout and sys.stderr gets new ones",
  ignore,
  fn: () =>
    withStateful(async (run) => {
      ran(await run({ code: "import sys\nsys.stdout.close()\nsys.stderr.close()" }));
      const next = ran(await run({ code: "print('hello')\nraise ValueError('boom')" }));
      assert.equal(next.exit_code, 1);
      assert.equal(next.stdout, "hello\n");
      assert.match(next.stderr, /ValueError: boom/);
      assert.equal(next.interpreter_restarted, undefined);
    }),
});

Deno.test({
  name: "a stateful call its interpreter cannot set up runs in a new one, which says why",
  ignore,
  fn: () =>
    withStateful(async (run) => {
      // closes fds 1 and 2 and every other descriptor of the same pipes
      const breakOutput = "import os\n" +
        "pipes = {(os.fstat(fd).st_dev, os.fstat(fd).st_ino) for fd in (1, 2)}\n" +
        "for fd in range(1024):\n" +
        "    try:\n        st = os.fstat(fd)\n    except OSError:\n        continue\n" +
        "    if (st.st_dev, st.st_ino) in pipes:\n        os.close(fd)\n";
      ran(await run({ code: breakOutput }));
      const next = ran(await run({ code: HELLO_EXIT_3 }));
      assert.equal(next.exit_code, 3, "the exit code is the code's, not the set-up's");
      assert.equal(next.stdout, "hello\n");
      assert.equal(
        next.interpreter_restarted,
        "previous interpreter could not set up the call: " +
          "OSError: the interpreter's output (fd 1) was closed for good",
      );
      assert.equal(ran(await run({ code: "print('again')" })).interpreter_restarted, undefined);
    }),
});
