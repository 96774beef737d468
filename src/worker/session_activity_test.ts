import assert from "node:assert/strict";
import { SessionActivity } from "./session_activity.ts";

Deno.test("a task follows the one before it only when nothing else started or runs", () => {
  const activity = new SessionActivity();
  const first = activity.begin("s");
  assert.ok(first.alone());
  first.end();
  const second = activity.begin("s");
  assert.ok(second.nextAfter(first.mark));
  // an overlapping task in the same session breaks the chain both ways
  const other = activity.begin("s");
  assert.ok(!second.alone());
  assert.ok(!other.nextAfter(second.mark));
  other.end();
  second.end();
  const third = activity.begin("s");
  assert.ok(!third.nextAfter(second.mark), "another task started in between");
  assert.ok(third.nextAfter(other.mark));
  // other sessions do not count
  const elsewhere = activity.begin("t");
  assert.ok(third.alone() && elsewhere.alone());
  third.end();
  elsewhere.end();
  elsewhere.end(); // ending twice counts once
  assert.ok(activity.begin("t").alone());
});
