import assert from "node:assert/strict";
import {
  allContainers,
  appliedObjects,
  type K8sObject,
  podSpecOf,
  REPO_ROOT,
  workloads,
} from "./_manifests.ts";

interface Peer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: unknown;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number | string }[];
}

const COMPONENT = "app.kubernetes.io/component";

/** A peer as a short name: a component of this app, cluster DNS, or "any". */
function peerName(peer: Peer | undefined): string {
  if (peer === undefined) return "any";
  assert.equal(peer.ipBlock, undefined, "no ipBlock peers");
  const pods = peer.podSelector?.matchLabels ?? {};
  const namespaces = peer.namespaceSelector?.matchLabels ?? {};
  if (pods["k8s-app"] === "kube-dns") {
    assert.equal(namespaces["kubernetes.io/metadata.name"], "kube-system");
    return "dns";
  }
  assert.equal(peer.namespaceSelector, undefined, "other peers are in this namespace");
  assert.equal(pods["app.kubernetes.io/name"], "codegen-mcp");
  const component = pods[COMPONENT];
  assert.ok(component !== undefined);
  return component;
}

/** Every flow a policy allows, as "ingress worker<-coordinator 50051/TCP" strings. */
function flows(policy: K8sObject): string[] {
  const target = policy.spec.podSelector?.matchLabels?.[COMPONENT] as string;
  const out: string[] = [];
  for (
    const [direction, arrow, key] of [["ingress", "<-", "from"], ["egress", "->", "to"]] as const
  ) {
    for (const rule of (policy.spec[direction] ?? []) as Rule[]) {
      const peers = rule[key] === undefined ? [undefined] : rule[key]!;
      assert.ok(rule.ports !== undefined && rule.ports.length > 0, "every rule names its ports");
      for (const peer of peers) {
        for (const p of rule.ports) {
          out.push(
            `${direction} ${target}${arrow}${peerName(peer)} ${p.port}/${p.protocol ?? "TCP"}`,
          );
        }
      }
    }
  }
  return out;
}

function policies(): K8sObject[] {
  return appliedObjects().filter((o) => o.kind === "NetworkPolicy");
}

Deno.test("a default-deny NetworkPolicy covers every pod in both directions", () => {
  const denies = policies().filter((p) => Object.keys(p.spec.podSelector ?? {}).length === 0);
  assert.equal(denies.length, 1);
  const deny = denies[0]!;
  assert.deepEqual([...deny.spec.policyTypes].sort(), ["Egress", "Ingress"]);
  assert.equal(deny.spec.ingress, undefined);
  assert.equal(deny.spec.egress, undefined);
});

Deno.test("every workload is selected by a NetworkPolicy that restricts both directions", () => {
  const objects = appliedObjects();
  for (const workload of workloads(objects)) {
    const labels = workload.spec.template.metadata.labels as Record<string, string>;
    const own = policies().filter((p) => {
      const match = p.spec.podSelector?.matchLabels ?? {};
      return Object.keys(match).length > 0 &&
        Object.entries(match).every(([k, v]) => labels[k] === v);
    });
    assert.equal(own.length, 1, `${workload.metadata.name} has its own policy`);
    assert.deepEqual([...own[0]!.spec.policyTypes].sort(), ["Egress", "Ingress"]);
  }
});

Deno.test("the NetworkPolicies allow exactly the coordinator, worker, Redis, client and DNS flows", () => {
  const allowed = policies().flatMap(flows).sort();
  assert.deepEqual(allowed, [
    "egress coordinator->dns 53/TCP",
    "egress coordinator->dns 53/UDP",
    "egress coordinator->redis 6379/TCP",
    "egress coordinator->worker 50051/TCP",
    "egress worker->coordinator 50050/TCP",
    "egress worker->dns 53/TCP",
    "egress worker->dns 53/UDP",
    "ingress coordinator<-any 8080/TCP",
    "ingress coordinator<-worker 50050/TCP",
    "ingress redis<-coordinator 6379/TCP",
    "ingress worker<-coordinator 50051/TCP",
  ]);
});

Deno.test("every port a NetworkPolicy opens is a containerPort of the pods it names", () => {
  const objects = appliedObjects();
  const portsOf = new Map<string, Set<number>>();
  for (const workload of workloads(objects)) {
    const component = workload.spec.template.metadata.labels[COMPONENT] as string;
    const ports = allContainers(podSpecOf(workload)).flatMap((c) =>
      (c.ports ?? []).map((p) => p.containerPort)
    );
    portsOf.set(component, new Set(ports));
  }
  for (const flow of policies().flatMap(flows)) {
    const match = /^(ingress|egress) (\w+)(<-|->)(\w+) (\d+)\//.exec(flow);
    assert.ok(match !== null, flow);
    const [, direction, target, , peer, port] = match;
    const owner = direction === "ingress" ? target! : peer!;
    if (owner === "dns") continue;
    assert.ok(portsOf.get(owner)?.has(Number(port)), `${flow}: ${owner} listens on ${port}`);
  }
});

Deno.test("docs/deployment.md does not say scrapers are blocked from a metrics port open to any pod", () => {
  const open = policies().flatMap(flows).filter((f) => /^ingress \w+<-any /.test(f));
  const doc = Deno.readTextFileSync(new URL("docs/deployment.md", REPO_ROOT));
  const start = doc.indexOf("### Metrics");
  const section = doc.slice(start, doc.indexOf("\n#", start + 1)).replace(/\s+/g, " ");
  assert.ok(start !== -1, "docs/deployment.md has a Metrics section");
  // the coordinator serves /metrics, /healthz and /readyz on its MCP port, without a token
  if (open.includes("ingress coordinator<-any 8080/TCP")) {
    assert.match(section, /any pod/, "the Metrics section says any pod can read them");
    assert.doesNotMatch(section, /default-deny policy blocks scrapers/);
  }
});
