import assert from "node:assert/strict";
import { MAX_BODY_BYTES_TOTAL } from "../../src/mcp/http/body_budget.ts";
import { MAX_BUFFERED_BYTES_TOTAL } from "../../src/mcp/http/event_budget.ts";
import { allContainers, appliedObjects, podSpecOf, workloads } from "./_manifests.ts";

const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

/** Bytes of a Kubernetes memory quantity in binary units (`512Mi`, `2Gi`). */
function bytesOf(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(quantity);
  assert.ok(m, `memory quantity "${quantity}" in Ki, Mi or Gi`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

// what the process takes at rest with its threads, plus calls running (measured ~200 MiB idle)
const HEADROOM = 512 * 2 ** 20;

Deno.test("the coordinator's memory limit holds what its HTTP front may buffer, with headroom", () => {
  const coordinator = workloads(appliedObjects()).find((w) =>
    w.metadata.name === "codegen-coordinator"
  );
  assert.ok(coordinator, "a coordinator workload");
  const [container] = allContainers(podSpecOf(coordinator));
  const limit = bytesOf(container!.resources!.limits!.memory!);
  // unread answers over all event streams, and request bodies arriving at once
  const buffered = MAX_BUFFERED_BYTES_TOTAL + MAX_BODY_BYTES_TOTAL;
  assert.ok(limit >= buffered + HEADROOM, `${limit} bytes < ${buffered} buffered + headroom`);
});
