import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import {
  ArgumentBudget,
  COUNTED_FROM_BYTES,
  defaultArgumentBudget,
  heldArgumentBytes,
} from "./argument_budget.ts";

const KiB = 1024;
const refused = (pattern: RegExp) => (e: unknown) =>
  e instanceof CodegenError && e.code === "LIMIT_EXCEEDED" && e.retriable &&
  pattern.test(e.message);

Deno.test("heldArgumentBytes() counts the large string fields only", () => {
  assert.equal(
    heldArgumentBytes({
      code: "abc",
      contents: "de",
      stdin: "f",
      message: "g",
      path: "long".repeat(9),
    }),
    7,
  );
  assert.equal(heldArgumentBytes({ code: 5, args: ["x".repeat(100)] }), 0);
});

Deno.test("ArgumentBudget bounds one session's share and gives it back once", () => {
  const budget = new ArgumentBudget(1024 * KiB, 300 * KiB);
  const first = budget.take("a", 200 * KiB);
  assert.throws(() => budget.take("a", 200 * KiB), refused(/this session's calls in flight/));
  // another session still has its share
  const other = budget.take("b", 200 * KiB);
  assert.equal(budget.used, 400 * KiB);
  first();
  first(); // a second release gives nothing back twice
  assert.equal(budget.used, 200 * KiB);
  budget.take("a", 200 * KiB);
  other();
  assert.equal(budget.used, 200 * KiB);
});

Deno.test("ArgumentBudget bounds all sessions together", () => {
  const budget = new ArgumentBudget(500 * KiB, 300 * KiB);
  budget.take("a", 250 * KiB);
  budget.take("b", 200 * KiB);
  assert.throws(() => budget.take("c", 100 * KiB), refused(/the server holds at once/));
  assert.equal(budget.used, 450 * KiB);
});

Deno.test("ArgumentBudget does not count small calls", () => {
  const budget = new ArgumentBudget(COUNTED_FROM_BYTES, COUNTED_FROM_BYTES);
  for (let i = 0; i < 1000; i++) budget.take("a", COUNTED_FROM_BYTES - 1);
  assert.equal(budget.used, 0);
});

Deno.test("defaultArgumentBudget() holds 32 of the largest arguments, 512 MiB at least", () => {
  const MiB = 1024 * KiB;
  assert.deepEqual(
    [defaultArgumentBudget(12 * MiB).total, defaultArgumentBudget(12 * MiB).perSession],
    [512 * MiB, 128 * MiB],
  );
  assert.equal(defaultArgumentBudget(64 * MiB).total, 2048 * MiB);
});
