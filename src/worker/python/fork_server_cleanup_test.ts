import assert from "node:assert/strict";
import type { RunPythonArgs, TaskOutcome } from "../../rpc/mod.ts";
import { withoutBubblewrap, withPythonSession } from "./_testing.ts";

const ignore = await withoutBubblewrap();

/** Runs `fn` with a run function that waits for the session's fork server between runs. */
function withRuns(
  fn: (run: (args: RunPythonArgs) => Promise<TaskOutcome<"run.python">>) => Promise<void>,
): Promise<void> {
  return withPythonSession(({ rt, ctx }) =>
    fn(async (args) => {
      await rt.spareReady("s1");
      return rt.runPython(ctx, args);
    })
  );
}

function result(outcome: TaskOutcome<"run.python">) {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome;
}

/** Prints what the run finds in /tmp and /dev/shm, and when its fork server started. */
const LOOK = "import os\n" +
  "print(sorted(os.listdir('/tmp')), sorted(os.listdir('/dev/shm')))\n" +
  "print(open('/proc/%d/stat' % os.getppid()).read().rsplit(')', 1)[1].split()[19])\n";

Deno.test({
  name: "fork server: a /tmp tree 1,500 directories deep is not the run's exit code, and is gone",
  ignore,
  fn: () =>
    withRuns(async (run) => {
      const deep = "import os\nos.chdir('/tmp')\n" +
        "for _ in range(1500):\n    os.mkdir('d')\n    os.chdir('d')\n" +
        "open('left_behind', 'w').write('x')\nprint('deep')\n";
      const outcome = result(await run({ code: deep }));
      assert.equal(outcome.is_error, undefined, String(outcome.error_text));
      assert.equal(outcome.result.exit_code, 0);
      assert.equal(outcome.result.stdout, "deep\n");
      assert.equal(outcome.result.stderr, "");
      const [listing] = result(await run({ code: LOOK })).result.stdout.split("\n");
      assert.equal(listing, "[] []", "the next run starts from an empty /tmp");
    }),
});

Deno.test({
  name:
    "fork server: it empties /tmp of unreadable directories and symlinks without following them",
  ignore,
  fn: () =>
    withRuns(async (run) => {
      const before = result(await run({ code: LOOK })).result.stdout.split("\n");
      const messy = "import os\nopen('target.txt', 'w').write('kept')\nos.chdir('/tmp')\n" +
        "for i in range(60):\n" +
        "    os.mkdir('d')\n    os.symlink('/workspace/target.txt', 'link%d' % i)\n" +
        "    os.symlink('/workspace', 'dirlink%d' % i)\n    os.chdir('d')\n" +
        "open('/dev/shm/seg', 'w').write('x')\n" +
        "os.chdir('/tmp')\nos.chmod('d/d/d', 0)\nos.chmod('d', 0o500)\nprint('made')\n";
      assert.equal(result(await run({ code: messy })).result.stdout, "made\n");
      const after = result(await run({ code: LOOK + "print(open('target.txt').read())\n" }))
        .result.stdout.split("\n");
      assert.equal(after[0], "[] []");
      assert.equal(after[1], before[1], "the same fork server emptied it and serves on");
      assert.equal(after[2], "kept", "no symlink was followed");
    }),
});
