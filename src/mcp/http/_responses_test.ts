import assert from "node:assert/strict";
import { bodyRefused } from "./_responses.ts";

Deno.test("bodyRefused answers -32700 only for a body that is not JSON, -32000 for the rest", async () => {
  const answers = [];
  for (const status of [400, 408, 413, 503] as const) {
    const res = bodyRefused({ ok: false, status, message: `refused ${status}` });
    const body = await res.json();
    answers.push([res.status, body.error.code, body.error.message, body.id]);
  }
  assert.deepEqual(answers, [
    [400, -32700, "refused 400", null],
    [408, -32000, "refused 408", null],
    [413, -32000, "refused 413", null],
    [503, -32000, "refused 503", null],
  ]);
});
