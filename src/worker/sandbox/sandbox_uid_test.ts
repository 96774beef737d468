import assert from "node:assert/strict";
import { DEFAULT_UID_BASE, DEFAULT_UID_COUNT, sandboxUidFor } from "./sandbox_uid.ts";

Deno.test("sandboxUidFor is stable per workspace, in range, and differs between workspaces", () => {
  const a = sandboxUidFor("/srv/sessions/a");
  assert.equal(sandboxUidFor("/srv/sessions/a"), a);
  assert.ok(a >= DEFAULT_UID_BASE && a < DEFAULT_UID_BASE + DEFAULT_UID_COUNT);
  const uids = new Set(Array.from({ length: 200 }, (_, i) => sandboxUidFor(`/srv/sessions/${i}`)));
  assert.ok(uids.size >= 199, "similar paths spread over the range");
  assert.equal(sandboxUidFor("/x", { base: 5000, count: 1 }), 5000);
});
