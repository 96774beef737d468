import assert from "node:assert/strict";
import { type Env, loadConfig, loadWorkerConfig, parseCommand } from "../../src/config/mod.ts";
import { execForm, instructionsOf, readStages } from "./_dockerfile.ts";
import { appliedObjects, podSpecOf, programWorkloads, REPO_ROOT } from "./_manifests.ts";
import {
  imageEnv,
  manifestCoordinatorConfig,
  manifestWorkerConfig,
  NAMESPACE,
} from "./_program_config.ts";

Deno.test("the coordinator's manifest arguments and environment load as the intended configuration", () => {
  const config = manifestCoordinatorConfig();
  assert.equal(config.transport, "http");
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.port, 8080);
  assert.equal(config.grpcPort, 50050);
  assert.equal(config.localWorkers, 0);
  assert.equal(config.workspaceRoot, "/data/workspaces");
  assert.equal(config.auditLog, "/data/audit/audit.jsonl");
  assert.ok(config.workerToken && config.mcpAuthToken, "both tokens arrive");
  assert.equal(new URL(config.redisUrl!).host, "codegen-redis.codegen-mcp.svc.cluster.local:6379");
  assert.ok(new URL(config.redisUrl!).password.length > 0, "Redis password from the Secret");
  assert.ok(config.allowedHosts.includes(`codegen-mcp.${NAMESPACE}.svc.cluster.local`));
  assert.ok(config.allowedHosts.includes(`codegen-coordinator.${NAMESPACE}.svc`));
  assert.ok(config.allowedHosts.every((h) => !h.includes("$(")), "every reference expanded");
});

Deno.test("the worker's manifest arguments and environment load as the intended configuration", () => {
  const { worker } = programWorkloads(appliedObjects());
  const pod = `${worker.metadata.name}-1`;
  const config = manifestWorkerConfig(pod);
  assert.equal(config.coordinator, "codegen-coordinator.codegen-mcp.svc.cluster.local:50050");
  assert.equal(config.listen, "0.0.0.0:50051");
  assert.equal(config.advertise, `${pod}.codegen-workers.${NAMESPACE}.svc.cluster.local:50051`);
  assert.equal(config.workerId, pod);
  assert.equal(config.adminPort, 9090);
  assert.equal(config.maxSessions, 8);
  assert.equal(config.workspaceRoot, "/data/workspaces");
  assert.ok(config.workerToken);
  assert.equal(config.insecureNoSandbox, false);
});

Deno.test("each image's default command loads with only its ENV (plus a worker's coordinator and token)", () => {
  const coordinatorStage = readStages("Dockerfile").at(-1)!;
  const cmd = execForm(instructionsOf(coordinatorStage, "CMD")[0]!.args)!;
  const serve = parseCommand(cmd);
  assert.equal(serve.command, "serve");
  const coordinator = loadConfig(
    serve.command === "serve" ? serve.args : [],
    imageEnv("Dockerfile"),
  );
  assert.ok(coordinator.ok, coordinator.ok ? "" : coordinator.message);
  assert.equal(coordinator.config.port, 8080, "the port HEALTHCHECK and EXPOSE name");
  assert.equal(coordinator.config.grpcPort, 50050);

  const worker = loadWorkerConfig([], {
    ...imageEnv("Dockerfile.worker"),
    COORDINATOR_ADDR: "coordinator.codegen.svc.cluster.local:50050",
    WORKER_TOKEN: "t0k3n",
  });
  assert.ok(worker.ok, worker.ok ? "" : worker.message);
  // listening on 0.0.0.0, the image refuses to start without the token
  const open = loadWorkerConfig([], {
    ...imageEnv("Dockerfile.worker"),
    COORDINATOR_ADDR: "coordinator.codegen.svc.cluster.local:50050",
  });
  assert.ok(!open.ok && /WORKER_TOKEN is not set/.test(open.message));
  assert.equal(worker.config.listen, "0.0.0.0:50051");
  assert.equal(worker.config.adminPort, 9090, "the port HEALTHCHECK and EXPOSE name");
});

// After its grace for running tasks a draining worker still cancels the rest (up to 2 s),
// deregisters (one call, up to 10 s when the coordinator is slow) and closes its server.
const DRAIN_TAIL_S = 15;

Deno.test("a stopped worker gets the time its drain takes, from Kubernetes and in the docker run example", () => {
  const worker = loadWorkerConfig([], {
    COORDINATOR_ADDR: "coordinator.codegen.svc.cluster.local:50050",
    WORKER_TOKEN: "t0k3n",
  });
  assert.ok(worker.ok, worker.ok ? "" : worker.message);
  const needed = worker.config.drainGraceMs / 1000 + DRAIN_TAIL_S;
  const { worker: workload } = programWorkloads(appliedObjects());
  const k8s = (podSpecOf(workload) as { terminationGracePeriodSeconds?: number })
    .terminationGracePeriodSeconds ?? 30;
  assert.ok(k8s >= needed, `terminationGracePeriodSeconds ${k8s} < ${needed}`);
  // docker stop waits 10 s unless told otherwise: the drain would be cut short
  const doc = Deno.readTextFileSync(new URL("docs/deployment.md", REPO_ROOT));
  const runs = [...doc.matchAll(/docker run (?:[^\n]*\\\n)*[^\n]*codegen-mcp-worker:[^\n]*/g)]
    .map((m) => m[0]);
  assert.ok(runs.length > 0, "docs/deployment.md shows how to run a worker with docker run");
  for (const run of runs) {
    const timeout = Number(/--stop-timeout[ =](\d+)/.exec(run)?.[1] ?? 10);
    assert.ok(timeout >= needed, `--stop-timeout ${timeout} < ${needed} in:\n${run}`);
  }
});

// After its drain the coordinator closes its sessions, threads and stores: a few seconds.
const COORDINATOR_TAIL_S = 10;

Deno.test("a stopped coordinator gets the time its HTTP drain takes, from Kubernetes and in docker run", () => {
  const loaded = loadConfig(["--transport", "http"], {} as Env);
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.message);
  const needed = loaded.config.drainGraceMs / 1000 + COORDINATOR_TAIL_S;
  const { coordinator } = programWorkloads(appliedObjects());
  const k8s = (podSpecOf(coordinator) as { terminationGracePeriodSeconds?: number })
    .terminationGracePeriodSeconds ?? 30;
  assert.ok(k8s >= needed, `terminationGracePeriodSeconds ${k8s} < ${needed}`);
  const doc = Deno.readTextFileSync(new URL("docs/deployment.md", REPO_ROOT));
  const runs = [
    ...doc.matchAll(/docker run (?:[^\n]*\\\n)*[^\n]*codegen-mcp:[^\n]*--transport http[^\n]*/g),
  ]
    .map((m) => m[0]);
  assert.ok(runs.length > 0, "docs/deployment.md shows how to run an HTTP coordinator");
  for (const run of runs) {
    const timeout = Number(/--stop-timeout[ =](\d+)/.exec(run)?.[1] ?? 10);
    assert.ok(timeout >= needed, `--stop-timeout ${timeout} < ${needed} in:\n${run}`);
  }
});
