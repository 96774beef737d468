import assert from "node:assert/strict";
import { defaultArgumentBudget } from "../../src/mcp/argument_budget.ts";
import { MAX_BODY_BYTES_TOTAL } from "../../src/mcp/http/body_budget.ts";
import { MAX_BUFFERED_BYTES_TOTAL } from "../../src/mcp/http/event_budget.ts";
import { appliedObjects, mainContainer, programWorkloads, REPO_ROOT } from "./_manifests.ts";
import { manifestCoordinatorConfig } from "./_program_config.ts";

const MiB = 2 ** 20;
const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: MiB, Gi: 2 ** 30 };

/** Bytes of a Kubernetes memory quantity in binary units (`512Mi`, `2Gi`). */
function bytesOf(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(quantity);
  assert.ok(m, `memory quantity "${quantity}" in Ki, Mi or Gi`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

// what the process takes at rest with its threads, plus calls running (measured ~200 MiB idle)
const HEADROOM = 512 * MiB;

/** What the coordinator may hold by its bounds, as its manifest configures it. */
function coordinatorBounds(): Record<string, number> {
  const { limits } = manifestCoordinatorConfig();
  return {
    "unread answers over all event streams": MAX_BUFFERED_BYTES_TOTAL,
    "request bodies arriving at once": MAX_BODY_BYTES_TOTAL,
    "finished task results kept (MAX_TASK_RESULT_BYTES_TOTAL)": limits.taskResultBytesTotal,
    "arguments of calls in flight": defaultArgumentBudget(limits.maxArgumentBytes).total,
  };
}

Deno.test("the coordinator's memory limit holds what it may buffer and keep, with headroom", () => {
  const { coordinator } = programWorkloads(appliedObjects());
  const limit = bytesOf(mainContainer(coordinator).resources!.limits!.memory!);
  const bounds = coordinatorBounds();
  const held = Object.values(bounds).reduce((a, b) => a + b, 0);
  const detail = Object.entries(bounds).map(([what, n]) => `${n / MiB} MiB ${what}`).join(", ");
  assert.ok(limit >= held + HEADROOM, `${limit / MiB} MiB < ${detail} + ${HEADROOM / MiB} MiB`);
});

/** `1 GiB`, `256 MiB`: how docs/deployment.md writes a size. */
function sizeText(bytes: number): string {
  return bytes % UNITS.Gi! === 0 ? `${bytes / UNITS.Gi!} GiB` : `${bytes / MiB} MiB`;
}

Deno.test("docs/deployment.md states each coordinator memory bound and the manifest's limit", () => {
  const doc = Deno.readTextFileSync(new URL("docs/deployment.md", REPO_ROOT)).replace(/\s+/g, " ");
  const { coordinator } = programWorkloads(appliedObjects());
  const limit = bytesOf(mainContainer(coordinator).resources!.limits!.memory!);
  for (const bytes of [...Object.values(coordinatorBounds()), limit]) {
    assert.ok(doc.includes(sizeText(bytes)), `docs/deployment.md mentions ${sizeText(bytes)}`);
  }
  for (const name of ["MAX_TASK_RESULT_BYTES_TOTAL", "MAX_ARGUMENT_BYTES"]) {
    assert.ok(doc.includes(name), `docs/deployment.md names ${name}`);
  }
  // the arguments' bound grows with MAX_ARGUMENT_BYTES past 16 MiB
  assert.equal(defaultArgumentBudget(64 * MiB).total, 32 * 64 * MiB);
});
