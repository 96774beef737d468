import assert from "node:assert/strict";
import {
  allContainers,
  appliedObjects,
  EXAMPLE_SECRET_FILE,
  findObject,
  K8S_DIR,
  loadManifests,
  mainContainer,
  manifestFiles,
  podSpecOf,
  programWorkloads,
  REPO_ROOT,
  workloads,
} from "./_manifests.ts";

const SECRET_ENV = /TOKEN|PASSWORD|SECRET|AUTH/;

Deno.test("coordinator and worker pods run as uid 1000, non-root, read-only root, no privilege escalation, no capabilities", () => {
  const { coordinator, worker } = programWorkloads(appliedObjects());
  for (const workload of [coordinator, worker]) {
    const pod = podSpecOf(workload);
    const name = workload.metadata.name;
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${name} pod runAsNonRoot`);
    assert.equal(pod.securityContext?.runAsUser, 1000, `${name} pod runAsUser`);
    assert.equal(
      pod.securityContext?.seccompProfile?.type,
      "RuntimeDefault",
      `${name} pod seccomp`,
    );
    const sc = mainContainer(workload).securityContext;
    assert.equal(sc?.runAsNonRoot, true, `${name} runAsNonRoot`);
    assert.equal(sc?.runAsUser, 1000, `${name} runAsUser`);
    assert.equal(sc?.readOnlyRootFilesystem, true, `${name} readOnlyRootFilesystem`);
    assert.equal(sc?.allowPrivilegeEscalation, false, `${name} allowPrivilegeEscalation`);
    assert.deepEqual(sc?.capabilities, { drop: ["ALL"] }, `${name} drops every capability`);
  }
});

Deno.test("every container of every workload is non-root with a read-only root and no capabilities", () => {
  for (const workload of workloads(appliedObjects())) {
    const pod = podSpecOf(workload);
    assert.equal(pod.securityContext?.runAsNonRoot, true, workload.metadata.name);
    for (const c of allContainers(pod)) {
      const sc = c.securityContext;
      const where = `${workload.metadata.name}/${c.name}`;
      assert.equal(sc?.runAsNonRoot, true, `${where} runAsNonRoot`);
      assert.ok((sc?.runAsUser ?? 0) > 0, `${where} runs as a non-zero uid`);
      assert.equal(sc?.readOnlyRootFilesystem, true, `${where} readOnlyRootFilesystem`);
      assert.equal(sc?.allowPrivilegeEscalation, false, `${where} allowPrivilegeEscalation`);
      assert.notEqual(sc?.privileged, true, `${where} is not privileged`);
      assert.deepEqual(sc?.capabilities?.drop, ["ALL"], `${where} drops every capability`);
      assert.equal(sc?.capabilities?.add, undefined, `${where} adds no capability`);
    }
    assert.notEqual(pod.hostNetwork, true);
    assert.notEqual(pod.hostPID, true);
    assert.notEqual(pod.hostIPC, true);
    assert.ok((pod.volumes ?? []).every((v) => v.hostPath === undefined), "no hostPath volume");
  }
});

Deno.test("seccomp and AppArmor are RuntimeDefault everywhere except the worker's documented exception", () => {
  const objects = appliedObjects();
  const { worker } = programWorkloads(objects);
  for (const workload of workloads(objects)) {
    const pod = podSpecOf(workload);
    assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault");
    for (const c of allContainers(pod)) {
      if (workload === worker) continue;
      const sc = c.securityContext;
      const where = `${workload.metadata.name}/${c.name}`;
      assert.equal(sc?.seccompProfile?.type, "RuntimeDefault", `${where} seccomp`);
      assert.equal(sc?.appArmorProfile?.type, "RuntimeDefault", `${where} AppArmor`);
      assert.equal(sc?.procMount, undefined, `${where} keeps /proc masked`);
      assert.notEqual(
        pod.hostUsers,
        false,
        `${where}: only the worker needs its own user namespace`,
      );
    }
  }
  // Exactly what an unprivileged bubblewrap needs, and nothing more.
  const pod = podSpecOf(worker);
  const sc = mainContainer(worker).securityContext;
  assert.equal(pod.hostUsers, false);
  assert.equal(sc?.seccompProfile?.type, "Unconfined");
  assert.equal(sc?.appArmorProfile?.type, "Unconfined");
  assert.equal(sc?.procMount, "Unmasked");
});

Deno.test("docs/deployment.md documents the worker's exception and the node requirements for bubblewrap", () => {
  const doc = Deno.readTextFileSync(new URL("docs/deployment.md", REPO_ROOT));
  for (
    const term of [
      "Unconfined",
      "Localhost",
      "procMount: Unmasked",
      "hostUsers: false",
      "kernel.unprivileged_userns_clone",
      "user.max_user_namespaces",
      "AppArmor",
      "seccomp",
    ]
  ) {
    assert.ok(doc.includes(term), `docs/deployment.md mentions ${term}`);
  }
});

Deno.test("every container requests and limits cpu and memory", () => {
  for (const workload of workloads(appliedObjects())) {
    for (const c of allContainers(podSpecOf(workload))) {
      const where = `${workload.metadata.name}/${c.name}`;
      for (const kind of ["requests", "limits"] as const) {
        for (const resource of ["cpu", "memory"]) {
          assert.ok(c.resources?.[kind]?.[resource], `${where} sets ${kind}.${resource}`);
        }
      }
    }
  }
});

Deno.test("secrets reach pods only through secretKeyRef to keys the example Secret defines", () => {
  const [example] = loadManifests().filter((m) => m.file === EXAMPLE_SECRET_FILE);
  assert.ok(example !== undefined);
  const secret = example.object;
  assert.equal(secret.kind, "Secret");
  const keys = Object.keys(secret.stringData ?? {});
  assert.deepEqual(keys.sort(), ["mcp-auth-token", "redis-password", "worker-token"]);
  for (const value of Object.values(secret.stringData ?? {})) {
    assert.match(value, /^REPLACE-ME/, "the example holds placeholders only");
  }
  const objects = appliedObjects();
  assert.ok(!objects.some((o) => o.kind === "Secret"), "no Secret is applied from this folder");
  const seen = new Set<string>();
  for (const workload of workloads(objects)) {
    for (const c of allContainers(podSpecOf(workload))) {
      for (const env of c.env ?? []) {
        if (!SECRET_ENV.test(env.name)) continue;
        const where = `${workload.metadata.name}/${c.name} ${env.name}`;
        assert.equal(env.value, undefined, `${where} has no literal value`);
        const ref = env.valueFrom?.secretKeyRef;
        assert.ok(ref !== undefined, `${where} comes from a Secret`);
        assert.equal(ref.name, secret.metadata.name, where);
        assert.ok(keys.includes(ref.key), `${where}: key ${ref.key} exists`);
        seen.add(env.name);
      }
    }
  }
  for (const name of ["WORKER_TOKEN", "MCP_AUTH_TOKEN"]) assert.ok(seen.has(name), name);
});

Deno.test("no manifest but the example Secret spells out a token value", () => {
  for (const file of manifestFiles()) {
    if (file === EXAMPLE_SECRET_FILE) continue;
    const text = Deno.readTextFileSync(new URL(file, K8S_DIR));
    assert.doesNotMatch(text, /REPLACE-ME/, `${file} holds no placeholder credential`);
    // a literal `value:` directly after a token's name
    assert.doesNotMatch(
      text,
      /name:\s*(WORKER_TOKEN|MCP_AUTH_TOKEN|REDIS_PASSWORD|REDISCLI_AUTH)\s*\n\s*value:/,
      `${file} sets no secret as a literal`,
    );
  }
  // a password given on a command line must be a $(VAR) the kubelet fills from a Secret
  for (const workload of workloads(appliedObjects())) {
    for (const c of allContainers(podSpecOf(workload))) {
      const args = [...(c.command ?? []), ...(c.args ?? [])];
      args.forEach((arg, i) => {
        if (!/^--(requirepass|.*token|.*password)$/.test(arg)) return;
        const ref = /^\$\((\w+)\)$/.exec(args[i + 1] ?? "");
        assert.ok(ref !== null, `${c.name} ${arg} takes a $(VAR), not a literal`);
        const env = c.env?.find((e) => e.name === ref[1]);
        assert.ok(env?.valueFrom?.secretKeyRef, `${c.name} ${ref[1]} comes from a Secret`);
      });
    }
  }
});

Deno.test("no ServiceAccount or pod mounts a service account token, and the coordinator's says so", () => {
  const objects = appliedObjects();
  const accounts = objects.filter((o) => o.kind === "ServiceAccount");
  for (const account of accounts) {
    assert.equal(account.automountServiceAccountToken, false, account.metadata.name);
  }
  for (const workload of workloads(objects)) {
    const pod = podSpecOf(workload);
    assert.notEqual(pod.automountServiceAccountToken, true, workload.metadata.name);
    assert.ok(pod.serviceAccountName, `${workload.metadata.name} names its ServiceAccount`);
    findObject(objects, "ServiceAccount", pod.serviceAccountName);
  }
  const { coordinator } = programWorkloads(objects);
  assert.equal(podSpecOf(coordinator).automountServiceAccountToken, false);
  const account = findObject(objects, "ServiceAccount", podSpecOf(coordinator).serviceAccountName!);
  assert.equal(account.automountServiceAccountToken, false);
});

Deno.test("no RBAC rule grants a wildcard, and nothing binds cluster-admin", () => {
  const rbac = loadManifests().map((m) => m.object).filter((o) =>
    o.apiVersion.startsWith("rbac.authorization.k8s.io/")
  );
  for (const o of rbac) {
    for (const rule of o.rules ?? []) {
      for (const field of [rule.verbs, rule.resources, rule.apiGroups]) {
        assert.ok(!(field ?? []).includes("*"), `${o.kind} ${o.metadata.name} has no "*"`);
      }
    }
    assert.notEqual(o.roleRef?.name, "cluster-admin");
    assert.ok(o.kind !== "ClusterRole" && o.kind !== "ClusterRoleBinding", "namespaced only");
  }
});
