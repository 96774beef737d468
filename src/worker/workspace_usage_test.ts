import assert from "node:assert/strict";
import { WorkspaceUsage } from "./workspace_usage.ts";

/** A measure that counts its walks and answers what `sizes` holds for the workspace. */
function fakeMeasure(sizes: Map<string, number>) {
  const walks: string[] = [];
  const gates: PromiseWithResolvers<void>[] = [];
  return {
    walks,
    gates,
    async measure(workspace: string): Promise<number> {
      walks.push(workspace);
      const gate = gates.shift();
      if (gate) await gate.promise;
      return sizes.get(workspace) ?? 0;
    },
  };
}

Deno.test("WorkspaceUsage measures a session once, shared by concurrent callers, then keeps count", async () => {
  const fake = fakeMeasure(new Map([["/ws/s1", 500]]));
  const usage = new WorkspaceUsage(1000, fake.measure);
  const s1 = usage.session("s1", "/ws/s1");
  assert.equal(s1.limit, 1000);
  assert.equal(s1.known(), undefined);
  assert.deepEqual(await Promise.all([s1.bytes(), s1.bytes()]), [500, 500]);
  s1.add(200);
  s1.add(-50);
  // a new handle on the same session sees the same record
  assert.equal(await usage.session("s1", "/ws/s1").bytes(), 650);
  s1.add(-10_000);
  assert.equal(s1.known(), 0, "never below zero");
  s1.set(42);
  assert.equal(await s1.bytes(), 42);
  assert.deepEqual(fake.walks, ["/ws/s1"]);
});

Deno.test("WorkspaceUsage measures again after invalidate() and after forget()", async () => {
  const sizes = new Map([["/ws/s1", 10]]);
  const fake = fakeMeasure(sizes);
  const usage = new WorkspaceUsage(1000, fake.measure);
  const s1 = usage.session("s1", "/ws/s1");
  assert.equal(await s1.bytes(), 10);
  s1.add(5); // a change of known size needs no walk
  sizes.set("/ws/s1", 70);
  s1.invalidate();
  assert.equal(s1.known(), undefined);
  s1.add(5); // ignored while unknown: the walk will count it
  assert.equal(await s1.bytes(), 70);
  usage.forget("s1");
  sizes.set("/ws/s1", 3);
  assert.equal(await usage.session("s1", "/ws/s1").bytes(), 3);
  assert.equal(fake.walks.length, 3);
});

Deno.test("WorkspaceUsage does not keep a walk that a later set() or invalidate() overtook", async () => {
  const sizes = new Map([["/ws/s1", 100]]);
  const fake = fakeMeasure(sizes);
  const usage = new WorkspaceUsage(1000, fake.measure);
  const s1 = usage.session("s1", "/ws/s1");
  const gate = Promise.withResolvers<void>();
  fake.gates.push(gate);
  const stale = s1.bytes();
  s1.set(900); // a run's snapshot lands while the walk is under way
  gate.resolve();
  assert.equal(await stale, 100, "the caller gets what its walk found");
  assert.equal(s1.known(), 900, "but the newer figure is kept");
});
