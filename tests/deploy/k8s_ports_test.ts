import assert from "node:assert/strict";
import {
  allContainers,
  appliedObjects,
  type Container,
  type K8sObject,
  mainContainer,
  podSpecOf,
  type Probe,
  PROGRAM_PROBE_PATHS,
  programWorkloads,
  resolvePort,
  workloads,
} from "./_manifests.ts";
import { flagValue, programListeners } from "./_program_ports.ts";

function probes(c: Container): [string, Probe][] {
  const all: [string, Probe | undefined][] = [
    ["startupProbe", c.startupProbe],
    ["livenessProbe", c.livenessProbe],
    ["readinessProbe", c.readinessProbe],
  ];
  return all.filter((p): p is [string, Probe] => p[1] !== undefined);
}

function listenersOf(workload: K8sObject, subcommand: "serve" | "worker") {
  return programListeners(mainContainer(workload), subcommand);
}

Deno.test("the coordinator's arguments select http on 0.0.0.0:8080, gRPC on 50050 and remote workers only", () => {
  const { coordinator } = programWorkloads(appliedObjects());
  const c = mainContainer(coordinator);
  assert.equal(c.command, undefined, "the image ENTRYPOINT (the binary) stays");
  const args = c.args ?? [];
  assert.equal(args[0], "serve");
  assert.equal(flagValue(args, "transport"), "http");
  assert.equal(flagValue(args, "local-workers"), "0");
  assert.deepEqual(listenersOf(coordinator, "serve"), [
    { role: "http", port: 8080, host: "0.0.0.0" },
    { role: "grpc", port: 50050, host: undefined },
    // metrics only there (serve.ts): not readable by whoever reaches 8080
    { role: "admin", port: 9090, host: undefined },
  ]);
});

Deno.test("the worker's arguments listen for gRPC on 0.0.0.0:50051 and serve health on admin port 9090", () => {
  const { worker } = programWorkloads(appliedObjects());
  const c = mainContainer(worker);
  assert.equal(c.command, undefined, "the image ENTRYPOINT (codegen-mcp worker) stays");
  assert.deepEqual(listenersOf(worker, "worker"), [
    { role: "worker-grpc", port: 50051, host: "0.0.0.0" },
    { role: "admin", port: 9090, host: undefined },
  ]);
  // the advertised port is the one it listens on
  const advertise = c.env?.find((e) => e.name === "WORKER_ADVERTISE")?.value ?? "";
  assert.ok(advertise.endsWith(":50051"));
});

Deno.test("the containerPorts of codegen-mcp containers are exactly the ports the program opens", () => {
  const { coordinator, worker } = programWorkloads(appliedObjects());
  for (const [workload, sub] of [[coordinator, "serve"], [worker, "worker"]] as const) {
    const declared = (mainContainer(workload).ports ?? []).map((p) => p.containerPort).sort();
    const opened = listenersOf(workload, sub).map((l) => l.port).sort();
    assert.deepEqual(declared, opened, workload.metadata.name);
  }
});

Deno.test("every HTTP probe path is one the program serves and every probe port is a declared container port", () => {
  for (const workload of workloads(appliedObjects())) {
    for (const c of allContainers(podSpecOf(workload))) {
      const declared = new Set((c.ports ?? []).map((p) => p.containerPort));
      for (const [kind, probe] of probes(c)) {
        const where = `${workload.metadata.name}/${c.name} ${kind}`;
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
        if (probe.httpGet !== undefined) {
          assert.ok(PROGRAM_PROBE_PATHS.has(probe.httpGet.path ?? "/"), `${where} path`);
        }
        if (port !== undefined) {
          const resolved = resolvePort(c, port);
          assert.ok(resolved !== undefined && declared.has(resolved), `${where} port ${port}`);
        } else {
          assert.ok(probe.exec !== undefined, `${where} is an exec probe`);
        }
      }
    }
  }
});

Deno.test("codegen-mcp containers have startup, liveness (/healthz) and readiness probes on the right listeners", () => {
  const { coordinator, worker } = programWorkloads(appliedObjects());
  const expected = [
    { workload: coordinator, port: 8080, ready: "/readyz" },
    // the worker's admin port: /readyz answers 200 only once it is registered
    { workload: worker, port: 9090, ready: "/readyz" },
  ];
  for (const { workload, port, ready } of expected) {
    const c = mainContainer(workload);
    const http = (p: Probe | undefined) => ({
      path: p?.httpGet?.path,
      port: resolvePort(c, p?.httpGet?.port ?? -1),
    });
    assert.deepEqual(http(c.startupProbe), { path: "/healthz", port });
    assert.deepEqual(http(c.livenessProbe), { path: "/healthz", port });
    assert.deepEqual(http(c.readinessProbe), { path: ready, port });
  }
});
