import assert from "node:assert/strict";
import {
  appliedObjects,
  envValue,
  EXAMPLE_SECRET_FILE,
  findObject,
  K8S_DIR,
  type K8sObject,
  mainContainer,
  manifestFiles,
  parseManifestFile,
  podSpecOf,
  programWorkloads,
  REPO_ROOT,
  resolvePort,
  workloads,
} from "./_manifests.ts";

function kustomization(): K8sObject {
  const [doc, ...rest] = parseManifestFile("kustomization.yaml");
  assert.ok(doc !== undefined && rest.length === 0, "kustomization.yaml holds one document");
  return doc;
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function podLabels(workload: K8sObject): Record<string, string> {
  return workload.spec?.template?.metadata?.labels ?? {};
}

Deno.test("every manifest in k8s/ parses as YAML without errors or warnings", () => {
  const files = manifestFiles();
  assert.ok(files.length >= 10, `expected the full set of manifests, found ${files.join(", ")}`);
  for (const file of files) {
    const docs = parseManifestFile(file);
    assert.ok(docs.length > 0, `${file} holds at least one document`);
    for (const doc of docs) {
      if (file === "kustomization.yaml") continue;
      assert.ok(doc.apiVersion && doc.kind, `${file}: every document has apiVersion and kind`);
      assert.ok(doc.metadata?.name, `${file}: every ${doc.kind} has a name`);
    }
  }
});

Deno.test("kustomization.yaml lists every manifest except the example Secret, and each listed file exists", () => {
  const listed = kustomization().resources ?? [];
  const onDisk = manifestFiles().filter((f) => f !== "kustomization.yaml");
  assert.deepEqual(
    [...listed].sort(),
    onDisk.filter((f) => f !== EXAMPLE_SECRET_FILE),
    "resources = the manifests in k8s/",
  );
  assert.ok(!listed.includes(EXAMPLE_SECRET_FILE), "placeholder credentials are never applied");
  for (const file of listed) {
    assert.ok(Deno.statSync(new URL(file, K8S_DIR)).isFile, `${file} exists`);
  }
  assert.equal(new Set(listed).size, listed.length, "no file is listed twice");
});

Deno.test("kustomization.yaml sets one namespace that the Namespace manifest creates and no object contradicts", () => {
  const namespace = kustomization().namespace;
  assert.equal(namespace, "codegen-mcp");
  const objects = appliedObjects();
  findObject(objects, "Namespace", namespace);
  for (const o of objects) {
    if (o.kind === "Namespace") continue;
    assert.ok(
      o.metadata.namespace === undefined || o.metadata.namespace === namespace,
      `${o.kind} ${o.metadata.name} stays in ${namespace}`,
    );
  }
});

Deno.test("every Service selects a workload's pods and targets ports its containers declare", () => {
  const objects = appliedObjects();
  const services = objects.filter((o) => o.kind === "Service");
  assert.ok(services.length >= 4);
  for (const service of services) {
    const selector: Record<string, string> = service.spec.selector ?? {};
    assert.ok(Object.keys(selector).length > 0, `Service ${service.metadata.name} has a selector`);
    const targets = workloads(objects).filter((w) => labelsMatch(selector, podLabels(w)));
    assert.equal(
      targets.length,
      1,
      `Service ${service.metadata.name} selects exactly one workload`,
    );
    const containers = podSpecOf(targets[0]!).containers;
    for (const p of service.spec.ports as { port: number; targetPort?: number | string }[]) {
      const target = p.targetPort ?? p.port;
      const resolved = containers.map((c) => resolvePort(c, target)).find((n) => n !== undefined);
      assert.ok(resolved !== undefined, `${service.metadata.name}: target port ${target} exists`);
      assert.equal(resolved, p.port, `${service.metadata.name}: port ${p.port} keeps its number`);
    }
  }
});

Deno.test("the worker Service is headless and the StatefulSet's serviceName names it", () => {
  const objects = appliedObjects();
  const { worker } = programWorkloads(objects);
  assert.equal(worker.kind, "StatefulSet");
  const service = findObject(objects, "Service", worker.spec.serviceName);
  assert.equal(service.metadata.name, "codegen-workers");
  assert.equal(service.spec.clusterIP, "None");
  assert.ok(labelsMatch(service.spec.selector, podLabels(worker)));
  assert.deepEqual(service.spec.ports.map((p: { port: number }) => p.port), [50051]);
  // a worker registers at start-up and may be dialled back before it is ready
  assert.equal(service.spec.publishNotReadyAddresses, true);
});

Deno.test("each worker advertises its stable DNS name under the headless Service and its gRPC port", () => {
  const objects = appliedObjects();
  const { worker } = programWorkloads(objects);
  const container = mainContainer(worker);
  const fieldRef = (name: string) =>
    container.env?.find((e) => e.name === name)?.valueFrom?.fieldRef?.fieldPath;
  assert.equal(fieldRef("POD_NAME"), "metadata.name");
  assert.equal(fieldRef("POD_NAMESPACE"), "metadata.namespace");
  assert.equal(
    envValue(container, "WORKER_ADVERTISE"),
    `$(POD_NAME).${worker.spec.serviceName}.$(POD_NAMESPACE).svc.cluster.local:50051`,
  );
  assert.equal(envValue(container, "WORKER_ID"), "$(POD_NAME)");
  // env vars referenced as $(VAR) must be defined earlier in the list to be expanded
  const names = container.env!.map((e) => e.name);
  assert.ok(names.indexOf("POD_NAME") < names.indexOf("WORKER_ADVERTISE"));
  assert.ok(names.indexOf("POD_NAMESPACE") < names.indexOf("WORKER_ADVERTISE"));
});

Deno.test("workers reach the coordinator through a Service that publishes it before it is ready", () => {
  const objects = appliedObjects();
  const { coordinator, worker } = programWorkloads(objects);
  const address = envValue(mainContainer(worker), "COORDINATOR_ADDR");
  // the cluster FQDN: the binary's network grant covers *.svc.cluster.local, not short names
  assert.equal(address, "codegen-coordinator.$(POD_NAMESPACE).svc.cluster.local:50050");
  const [host, port] = address!.split(":");
  const name = host!.split(".")[0]!;
  const service = findObject(objects, "Service", name!);
  assert.ok(labelsMatch(service.spec.selector, podLabels(coordinator)));
  assert.ok(service.spec.ports.some((p: { port: number }) => p.port === Number(port)));
  // /readyz needs a registered worker; gating registration on readiness would deadlock
  assert.equal(service.spec.publishNotReadyAddresses, true);
});

Deno.test("MCP_ALLOWED_HOSTS lists every DNS name of every Service in front of the coordinator", () => {
  const objects = appliedObjects();
  const { coordinator } = programWorkloads(objects);
  const container = mainContainer(coordinator);
  const allowed = new Set(envValue(container, "MCP_ALLOWED_HOSTS")?.split(","));
  const services = objects.filter((o) =>
    o.kind === "Service" && labelsMatch(o.spec.selector ?? {}, podLabels(coordinator))
  );
  assert.ok(services.length >= 1);
  for (const { metadata: { name } } of services) {
    for (const host of [name, `${name}.$(POD_NAMESPACE)`, `${name}.$(POD_NAMESPACE).svc`]) {
      assert.ok(allowed.has(host), `MCP_ALLOWED_HOSTS has ${host}`);
    }
    assert.ok(allowed.has(`${name}.$(POD_NAMESPACE).svc.cluster.local`));
  }
  const names = container.env!.map((e) => e.name);
  assert.ok(names.indexOf("POD_NAMESPACE") < names.indexOf("MCP_ALLOWED_HOSTS"));
});

Deno.test("the coordinator keeps its audit log on a claimed volume and writes nowhere else but /tmp", () => {
  const objects = appliedObjects();
  const { coordinator } = programWorkloads(objects);
  const container = mainContainer(coordinator);
  const pod = podSpecOf(coordinator);
  const auditLog = envValue(container, "AUDIT_LOG");
  assert.equal(auditLog, "/data/audit/audit.jsonl");
  assert.equal(envValue(container, "WORKSPACE_ROOT"), "/data/workspaces");
  // read-only mounts (the gRPC TLS Secret) are not places it writes
  const writable = container.volumeMounts!.filter((m) => m.readOnly !== true);
  const mounts = new Map(writable.map((m) => [m.mountPath, m.name]));
  const auditVolume = (pod.volumes ?? []).find((v) => v.name === mounts.get("/data/audit")) as
    | { persistentVolumeClaim?: { claimName: string } }
    | undefined;
  const claim = auditVolume?.persistentVolumeClaim?.claimName;
  assert.ok(claim !== undefined, "the audit log survives the pod");
  findObject(objects, "PersistentVolumeClaim", claim);
  assert.deepEqual([...mounts.keys()].sort(), ["/data/audit", "/data/workspaces", "/tmp"]);
  assert.equal(coordinator.spec.strategy?.type, "Recreate", "a ReadWriteOnce claim has one writer");
});

Deno.test("the HPA scales the worker StatefulSet on CPU between 2 and 10 replicas", () => {
  const objects = appliedObjects();
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler");
  assert.ok(hpa !== undefined);
  assert.equal(hpa.apiVersion, "autoscaling/v2");
  const { worker } = programWorkloads(objects);
  assert.deepEqual(hpa.spec.scaleTargetRef, {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    name: worker.metadata.name,
  });
  assert.equal(hpa.spec.minReplicas, 2);
  assert.equal(hpa.spec.maxReplicas, 10);
  assert.equal(worker.spec.replicas, 2);
  assert.deepEqual(hpa.spec.metrics.map((m: { resource: { name: string } }) => m.resource.name), [
    "cpu",
  ]);
  // utilization is computed against requests, so the worker must request CPU
  assert.ok(mainContainer(worker).resources?.requests?.cpu);
});

Deno.test("PodDisruptionBudgets cover the coordinator and the workers", () => {
  const objects = appliedObjects();
  const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget");
  const { coordinator, worker } = programWorkloads(objects);
  for (const workload of [coordinator, worker]) {
    const covering = pdbs.filter((p) =>
      labelsMatch(p.spec.selector.matchLabels, podLabels(workload))
    );
    assert.equal(covering.length, 1, `${workload.metadata.name} has one PodDisruptionBudget`);
    const spec = covering[0]!.spec;
    assert.ok((spec.minAvailable === undefined) !== (spec.maxUnavailable === undefined));
  }
});

Deno.test("codegen-mcp containers get only environment variables the compiled binary may read", () => {
  const deno = JSON.parse(Deno.readTextFileSync(new URL("deno.json", REPO_ROOT)));
  const readable = new Set<string>(deno.permissions.coordinator.env);
  const { coordinator, worker } = programWorkloads(appliedObjects());
  for (const workload of [coordinator, worker]) {
    const env = mainContainer(workload).env ?? [];
    // variables that exist only to be expanded into others as $(NAME)
    const expanded = new Set(
      env.flatMap((e) => [...(e.value ?? "").matchAll(/\$\((\w+)\)/g)].map((m) => m[1]!)),
    );
    for (const { name } of env) {
      if (expanded.has(name) && !readable.has(name)) continue;
      assert.ok(readable.has(name), `${workload.metadata.name}: ${name} is readable by the binary`);
    }
  }
});
