/**
 * Pod settings the deployment guide's security table and sizing text claim, checked on the
 * manifests as applied.
 * @module
 */
import assert from "node:assert/strict";
import { LimitsSchema } from "../../src/config/mod.ts";
import { sizeValue } from "../../src/config/parse_values.ts";
import {
  appliedObjects,
  envValue,
  findObject,
  mainContainer,
  podSpecOf,
  programWorkloads,
  workloads,
} from "./_manifests.ts";

interface EmptyDirVolume {
  name: string;
  emptyDir?: { sizeLimit?: string; medium?: string };
}

// Kubernetes quantities as the manifests write them (Mi, Gi).
function quantityBytes(text: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(text);
  assert.ok(m, `a quantity in Mi or Gi: ${text}`);
  return Number(m[1]) * (m[2] === "Gi" ? 1024 ** 3 : 1024 ** 2);
}

Deno.test("every pod has enableServiceLinks: false and every emptyDir a sizeLimit", () => {
  for (const workload of workloads(appliedObjects())) {
    const pod = podSpecOf(workload) as ReturnType<typeof podSpecOf> & {
      enableServiceLinks?: boolean;
    };
    const name = workload.metadata.name;
    assert.equal(pod.enableServiceLinks, false, `${name}: enableServiceLinks`);
    for (const volume of (pod.volumes ?? []) as EmptyDirVolume[]) {
      if (volume.emptyDir === undefined) continue;
      assert.ok(volume.emptyDir.sizeLimit, `${name}: emptyDir ${volume.name} has a sizeLimit`);
    }
  }
});

Deno.test("the worker's workspace volume holds MAX_SESSIONS full workspaces, with room to spare", () => {
  const { worker } = programWorkloads(appliedObjects());
  const container = mainContainer(worker);
  const sessions = Number(envValue(container, "MAX_SESSIONS"));
  const text = envValue(container, "MAX_WORKSPACE_BYTES");
  const workspaceBytes = text === undefined
    ? LimitsSchema.parse({}).maxWorkspaceBytes
    : sizeValue({ text, source: "MAX_WORKSPACE_BYTES" });
  const volume = ((podSpecOf(worker).volumes ?? []) as EmptyDirVolume[])
    .find((v) => v.name === "workspaces");
  const limit = quantityBytes(volume?.emptyDir?.sizeLimit ?? "");
  assert.ok(sessions > 0);
  // over its sizeLimit an emptyDir gets the pod evicted: venvs and runs that end over their
  // limit need room beyond the workspaces themselves (docs/deployment.md)
  assert.ok(
    limit >= 2 * sessions * workspaceBytes,
    `${limit} >= 2 × ${sessions} × ${workspaceBytes}`,
  );
});

Deno.test("the namespace enforces the privileged Pod Security level the sandbox needs, and audits and warns at restricted", () => {
  const labels = findObject(appliedObjects(), "Namespace", "codegen-mcp").metadata.labels ?? {};
  assert.equal(labels["pod-security.kubernetes.io/enforce"], "privileged");
  assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
  assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
});

Deno.test("the disruption budgets: workers one at a time, the single coordinator kept unless unhealthy", () => {
  const budgets = appliedObjects().filter((o) => o.kind === "PodDisruptionBudget");
  const byComponent = new Map(
    budgets.map((b) => [b.spec?.selector?.matchLabels?.["app.kubernetes.io/component"], b.spec]),
  );
  assert.equal(byComponent.get("worker")?.maxUnavailable, 1);
  assert.equal(byComponent.get("coordinator")?.minAvailable, 1);
  assert.equal(byComponent.get("coordinator")?.unhealthyPodEvictionPolicy, "AlwaysAllow");
});
