import assert from "node:assert/strict";
import { withoutBubblewrap, withPythonSession } from "./_testing.ts";
import { type PoolMember, WarmPool } from "./warm_pool.ts";

const ignore = await withoutBubblewrap();

/** A stand-in member that only records whether it was disposed. */
class FakeProcess implements PoolMember {
  disposed = false;
  alive = true;
  dispose(): Promise<void> {
    this.disposed = true;
    this.alive = false;
    return Promise.resolve();
  }
}

Deno.test("WarmPool hands a spare out once, and only for the fingerprint it was started for", async () => {
  const pool = new WarmPool<FakeProcess>();
  const started: FakeProcess[] = [];
  const start = () => {
    const p = new FakeProcess();
    started.push(p);
    return Promise.resolve(p);
  };
  try {
    assert.equal(pool.take("s1", "system"), undefined);
    pool.refill("s1", "system", start);
    await pool.ready("s1");
    assert.equal(pool.take("s1", "system"), started[0]);
    assert.equal(pool.take("s1", "system"), undefined, "a spare is used once");
    pool.refill("s1", "system", start);
    await pool.ready("s1");
    assert.equal(pool.take("s1", "venv"), undefined, "a spare without the venv is not used");
    assert.equal(started[1]!.disposed, true);
    assert.deepEqual(pool.stats(), { hits: 1, misses: 3, spares: 0 });
  } finally {
    await pool.close();
  }
});

Deno.test("WarmPool stops spares when invalidated, when over capacity and on close", async () => {
  const pool = new WarmPool<FakeProcess>({ maxSpares: 2 });
  const procs = new Map<string, FakeProcess>();
  const startFor = (id: string) => () => {
    const p = new FakeProcess();
    procs.set(id, p);
    return Promise.resolve(p);
  };
  for (const id of ["a", "b", "c"]) {
    pool.refill(id, "system", startFor(id));
    await pool.ready(id);
  }
  assert.equal(procs.get("a")!.disposed, true, "the oldest spare made room");
  assert.equal(pool.stats().spares, 2);
  await pool.invalidate("b");
  assert.equal(procs.get("b")!.disposed, true);
  await pool.close();
  assert.equal(procs.get("c")!.disposed, true);
  pool.refill("d", "system", startFor("d"));
  assert.equal(procs.has("d"), false, "a closed pool starts nothing");
});

Deno.test("WarmPool disowns a spare still starting when its session is invalidated", async () => {
  const pool = new WarmPool<FakeProcess>();
  const proc = new FakeProcess();
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  pool.refill("s1", "system", async () => {
    await gate;
    return proc;
  });
  await pool.invalidate("s1");
  release();
  await pool.ready("s1");
  assert.equal(proc.disposed, true);
  assert.equal(pool.stats().spares, 0);
  await pool.close();
});

Deno.test("WarmPool stops a spare left unused for the idle period", async () => {
  const timers: (() => void)[] = [];
  const pool = new WarmPool<FakeProcess>({
    idleMs: 1000,
    schedule: (fn) => {
      timers.push(fn);
      return () => {};
    },
  });
  const proc = new FakeProcess();
  pool.refill("s1", "system", () => Promise.resolve(proc));
  await pool.ready("s1");
  assert.equal(pool.stats().spares, 1);
  timers.forEach((fire) => fire());
  assert.equal(pool.stats().spares, 0);
  assert.equal(proc.disposed, true);
  await pool.close();
});

Deno.test({
  name: "the second run of a session takes the pre-started interpreter and no state leaks",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx, root }) => {
      const first = await rt.runPython(ctx, {
        code:
          "import builtins, os\nbuiltins.LEAK = 1\nmarker = 2\nos.environ['X_SET'] = '1'\nprint(os.getpid())",
      });
      assert.ok(first.ok && first.result.exit_code === 0);
      assert.equal(rt.stats().misses, 1, "the first run of a session is cold");
      await rt.spareReady("s1");
      assert.equal(rt.stats().spares, 1);
      const second = await rt.runPython(ctx, {
        code: "import builtins, os\nprint(hasattr(builtins, 'LEAK'), 'marker' in globals(), " +
          "'X_SET' in os.environ, __name__)",
      });
      assert.ok(second.ok, JSON.stringify(second));
      assert.equal(second.result.stdout, "False False False __main__\n");
      assert.equal(rt.stats().hits, 1);
      // the spare is per session: another session starts cold
      const other = await rt.runPython(await root.ctx("s2"), { code: "print(1)" });
      assert.ok(other.ok);
      assert.equal(rt.stats().misses, 2);
      await rt.closeSession("s1");
      await rt.spareReady("s1");
    }),
});

Deno.test({
  name: "prewarm() makes even the first run of a session take a pre-started interpreter",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      await rt.prewarm(ctx);
      const out = await rt.runPython(ctx, { code: "print('warm')" });
      assert.ok(out.ok && out.result.stdout === "warm\n", JSON.stringify(out));
      assert.deepEqual([rt.stats().hits, rt.stats().misses], [1, 0]);
    }),
});

Deno.test({
  name: "a new session venv replaces the spare; runs then use /venv with the venv read-only",
  ignore,
  fn: () =>
    withPythonSession(async ({ rt, ctx }) => {
      const code = "import sys\ntry:\n  open('/venv/x', 'w')\nexcept OSError as e:\n" +
        "  print('ro', type(e).__name__)\nprint(sys.prefix)";
      const before = await rt.runPython(ctx, { code });
      assert.ok(before.ok);
      assert.match(before.result.stdout, /^\/usr/m);
      await rt.spareReady("s1");
      const made = await new Deno.Command("/usr/bin/python3", {
        args: ["-m", "venv", "--without-pip", `${ctx.stateDir}/venv`],
      }).output();
      assert.ok(made.success, new TextDecoder().decode(made.stderr));
      await rt.environmentChanged("s1");
      assert.equal(rt.stats().spares, 0);
      const after = await rt.runPython(ctx, { code });
      assert.ok(after.ok, JSON.stringify(after));
      assert.match(after.result.stdout, /^ro (OSError|PermissionError)\n\/venv\n$/);
    }),
});
