import assert from "node:assert/strict";
import { connectMcp, startHttpCoordinator } from "../support/http_coordinator.ts";
import { skipWithout } from "../support/requirements.ts";
import { type Client, resultText } from "../support/sdk_client.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker_process.ts";

const TOKEN = "fleet-test-token";

function connect(url: string): Promise<Client> {
  return connectMcp(url, "fleet");
}

async function workerOf(
  client: Client,
): Promise<{ worker_id: string; session_id: string; rehomed_from?: string }> {
  const r = await client.callTool({ name: "session.info", arguments: {} });
  assert.equal(r.isError, undefined, resultText(r));
  return r.structuredContent as { worker_id: string; session_id: string; rehomed_from?: string };
}

// A caller finding no worker is told a worker's registration was refused lately.
async function assertRefusalNoted(url: string): Promise<void> {
  const client = await connect(url);
  try {
    const r = await client.callTool({ name: "fs.write", arguments: { path: "a", contents: "x" } });
    assert.equal(r.isError, true);
    assert.match(
      resultText(r),
      /^WORKER_UNAVAILABLE: No worker is registered \(a worker that tried to register \d+ s ago was refused; the coordinator's log says why\); start a worker/,
    );
  } finally {
    await client.close();
  }
}

async function fleet(env: Record<string, string> = {}) {
  const coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: TOKEN, WORKER_HEARTBEAT_TIMEOUT: "3s", ...env },
  });
  const workers: WorkerProcess[] = [];
  for (const id of ["w-a", "w-b"]) {
    workers.push(
      await startWorkerProcess({
        id,
        coordinator: `127.0.0.1:${coordinator.grpcPort}`,
        workspaceRoot: `${coordinator.dir}/${id}`,
        env: { WORKER_TOKEN: TOKEN },
      }),
    );
  }
  return {
    coordinator,
    workers,
    async [Symbol.asyncDispose]() {
      for (const w of workers) await w.stop("SIGKILL");
      await coordinator.close();
    },
  };
}

Deno.test("fleet: sessions spread across two worker processes, stay on their worker, and fs and echo work over gRPC", async () => {
  await using f = await fleet();
  const clients = await Promise.all([0, 1, 2, 3].map(() => connect(f.coordinator.url)));
  try {
    const placed = new Map<string, string>();
    for (const [i, c] of clients.entries()) {
      const w = await c.callTool({
        name: "fs.write",
        arguments: { path: `f${i}.txt`, contents: `client ${i}` },
      });
      assert.equal(w.isError, undefined, resultText(w));
      const info = await workerOf(c);
      placed.set(info.session_id, info.worker_id);
      const echo = await c.callTool({ name: "echo", arguments: { message: `hi ${i}` } });
      assert.deepEqual(echo.structuredContent, { message: `hi ${i}` });
    }
    assert.deepEqual(
      new Set(placed.values()),
      new Set(["w-a", "w-b"]),
      "both workers got sessions",
    );
    for (const [i, c] of clients.entries()) {
      const before = await workerOf(c);
      const r = await c.callTool({ name: "fs.read", arguments: { path: `f${i}.txt` } });
      assert.equal((r.structuredContent as { contents: string }).contents, `client ${i}`);
      const after = await workerOf(c);
      assert.equal(after.worker_id, before.worker_id, "session affinity");
      // the file lives on that worker's disk, nowhere else
      const onDisk = await Deno.readTextFile(
        `${f.coordinator.dir}/${after.worker_id}/sessions/${after.session_id}/f${i}.txt`,
      );
      assert.equal(onDisk, `client ${i}`);
    }
  } finally {
    for (const c of clients) await c.close();
  }
});

Deno.test({
  name:
    "fleet: SIGKILL a worker mid-task: the call fails fast and retriable, the next call runs on the other worker",
  ignore: skipWithout("bwrap"),
  async fn() {
    await using f = await fleet();
    const client = await connect(f.coordinator.url);
    try {
      await client.callTool({ name: "fs.write", arguments: { path: "before.txt", contents: "x" } });
      const first = await workerOf(client);
      const victim = f.workers.find((w) => w.id === first.worker_id)!;
      const survivor = f.workers.find((w) => w.id !== first.worker_id)!;
      const running = Promise.withResolvers<void>();
      const call = client.callTool(
        {
          name: "run.python",
          arguments: { code: "import time\nprint('started', flush=True)\ntime.sleep(60)" },
        },
        undefined,
        { onprogress: () => running.resolve(), timeout: 90_000 },
      );
      await running.promise; // the task is running on the worker
      await victim.stop("SIGKILL");
      const killedAt = performance.now();
      const result = await call;
      const elapsed = performance.now() - killedAt;
      assert.equal(result.isError, true);
      assert.match(resultText(result), /^WORKER_UNAVAILABLE: /);
      assert.deepEqual((result._meta as Record<string, unknown>)["codegen-mcp/error"], {
        code: "WORKER_UNAVAILABLE",
        retriable: true,
      });
      assert.ok(elapsed < 2_500, `failed in ${Math.round(elapsed)} ms`);

      const next = await client.callTool({
        name: "fs.write",
        arguments: { path: "after.txt", contents: "y" },
      });
      assert.equal(next.isError, undefined, resultText(next));
      assert.match(resultText(next), /moved from worker "w-[ab]", which is gone/);
      const info = await workerOf(client);
      assert.equal(info.worker_id, survivor.id);
      assert.equal(info.rehomed_from, victim.id);
      // the coordinator no longer lists the dead worker: a new client lands on the survivor
      const other = await connect(f.coordinator.url);
      try {
        await other.callTool({ name: "echo", arguments: { message: "x" } });
        assert.equal((await workerOf(other)).worker_id, survivor.id);
      } finally {
        await other.close();
      }
    } finally {
      await client.close();
    }
  },
});

Deno.test("fleet: a worker that stops heartbeating is removed after WORKER_HEARTBEAT_TIMEOUT", async () => {
  await using f = await fleet();
  const idle = f.workers[1]!;
  idle.process.kill("SIGSTOP"); // alive but silent
  try {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !f.coordinator.log().includes("missed its heartbeats")) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(f.coordinator.log(), /Worker \\?"w-b\\?" missed its heartbeats and was removed/);
    // every new session now lands on the remaining worker
    const c = await connect(f.coordinator.url);
    try {
      await c.callTool({ name: "echo", arguments: { message: "x" } });
      assert.equal((await workerOf(c)).worker_id, "w-a");
    } finally {
      await c.close();
    }
  } finally {
    idle.process.kill("SIGCONT");
  }
});

Deno.test({
  name: "fleet: SIGTERM drains a worker: its running call completes, it deregisters and exits 0",
  ignore: skipWithout("bwrap"),
  async fn() {
    await using f = await fleet();
    const client = await connect(f.coordinator.url);
    try {
      await client.callTool({ name: "echo", arguments: { message: "place me" } });
      const { worker_id } = await workerOf(client);
      const worker = f.workers.find((w) => w.id === worker_id)!;
      const running = Promise.withResolvers<void>();
      const call = client.callTool(
        {
          name: "run.python",
          arguments: { code: "import time\nprint('go', flush=True)\ntime.sleep(2)\nprint('done')" },
        },
        undefined,
        { onprogress: () => running.resolve(), timeout: 60_000 },
      );
      await running.promise;
      const status = worker.stop("SIGTERM");
      const result = await call;
      assert.equal(result.isError, undefined, resultText(result));
      assert.match((result.structuredContent as { stdout: string }).stdout, /done/);
      const exit = await status;
      assert.equal(exit.code, 0, worker.log());
      assert.match(worker.log(), /Deregistered from the coordinator/);
      assert.match(f.coordinator.log(), /deregistered/);
      // the next call of that session goes to the remaining worker
      await client.callTool({ name: "echo", arguments: { message: "after" } });
      assert.notEqual((await workerOf(client)).worker_id, worker_id);
    } finally {
      await client.close();
    }
  },
});

Deno.test("fleet: a worker with a wrong token is refused registration and gets no sessions", async () => {
  await using f = await fleet();
  await using intruder = await startWorkerProcess({
    id: "intruder",
    coordinator: `127.0.0.1:${f.coordinator.grpcPort}`,
    workspaceRoot: `${f.coordinator.dir}/intruder`,
    env: { WORKER_TOKEN: "wrong" },
    waitForRegistration: false,
  });
  const deadline = Date.now() + 15_000;
  // each process's log is read as it comes: wait for both lines
  while (
    Date.now() < deadline &&
    !(/Bad worker token/.test(intruder.log()) && /Refused a call/.test(f.coordinator.log()))
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // both sides say what is wrong and what to change
  assert.match(
    intruder.log(),
    /Cannot register with the coordinator[^\n]*Bad worker token: the worker token the call carried does not match; WORKER_TOKEN must be the same on the coordinator and every worker/,
  );
  assert.match(
    f.coordinator.log(),
    /Refused a call to [^\n]*WorkerLifecycle\/RegisterWorker[^\n]* from [^\n]*127\.0\.0\.1[^\n]*does not match[^\n]*WORKER_TOKEN must be the same/,
  );
  assert.doesNotMatch(intruder.log(), /Registered as/);
  assert.doesNotMatch(f.coordinator.log(), /"intruder" registered/);
  assert.ok(!f.coordinator.log().includes("wrong"), "the presented token is never logged");
});

Deno.test("fleet: a worker without the coordinator's token is told it sent none, and the coordinator logs it", async () => {
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: TOKEN },
  });
  // a loopback worker may run without a token
  await using worker = await startWorkerProcess({
    id: "w-none",
    coordinator: `127.0.0.1:${coordinator.grpcPort}`,
    workspaceRoot: `${coordinator.dir}/w-none`,
    waitForRegistration: false,
  });
  const deadline = Date.now() + 15_000;
  while (
    Date.now() < deadline &&
    !(/Bad worker token/.test(worker.log()) && /Refused a call/.test(coordinator.log()))
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(
    worker.log(),
    /Cannot register with the coordinator[^\n]*the call carried no worker token; WORKER_TOKEN must be the same/,
  );
  assert.match(
    coordinator.log(),
    /Refused a call to [^\n]*RegisterWorker[^\n]*carried no worker token/,
  );
});

Deno.test("fleet: a worker holding a token the coordinator lacks is refused registration as a token mismatch", async () => {
  // the coordinator has no token, so the registration call passes, but the worker refuses
  // the coordinator's call back
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_HEARTBEAT_TIMEOUT: "3s" },
  });
  await using worker = await startWorkerProcess({
    id: "w-token",
    coordinator: `127.0.0.1:${coordinator.grpcPort}`,
    workspaceRoot: `${coordinator.dir}/w-token`,
    env: { WORKER_TOKEN: TOKEN },
    waitForRegistration: false,
  });
  const deadline = Date.now() + 15_000;
  while (
    Date.now() < deadline &&
    !(/refused registration/.test(worker.log()) && /w-token[^\n]*refused/.test(coordinator.log()))
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // both sides say what is wrong and what to do
  assert.match(
    worker.log(),
    /The coordinator refused registration[^\n]*refused the coordinator's calls as unauthenticated: WORKER_TOKEN must be the same/,
  );
  assert.match(
    coordinator.log(),
    /w-token[^\n]*refused the coordinator's call as unauthenticated: WORKER_TOKEN must be the same/,
  );
  assert.match(worker.log(), /Refused a call to [^\n]*WorkerService[^\n]*carried no worker token/);
  assert.doesNotMatch(worker.log(), /Registered as/);
  await assertRefusalNoted(coordinator.url);
  assert.ok(!coordinator.log().includes(TOKEN), "the token is never logged");
});

Deno.test("fleet: a worker advertising an address the coordinator cannot reach is refused registration, saying so, and never flaps", async () => {
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: TOKEN, WORKER_HEARTBEAT_TIMEOUT: "3s" },
  });
  // port 1 on loopback: nothing listens there, so a dial is refused at once
  await using worker = await startWorkerProcess({
    id: "w-lost",
    coordinator: `127.0.0.1:${coordinator.grpcPort}`,
    workspaceRoot: `${coordinator.dir}/w-lost`,
    env: { WORKER_TOKEN: TOKEN },
    args: ["--advertise", "127.0.0.1:1"],
    waitForRegistration: false,
  });
  const deadline = Date.now() + 15_000;
  const refusals = () => worker.log().match(/The coordinator refused registration/g)?.length ?? 0;
  const logged = () => refusals() >= 2 && /Refused worker[^\n]*w-lost/.test(coordinator.log());
  while (Date.now() < deadline && !logged()) await new Promise((r) => setTimeout(r, 50));
  assert.match(
    worker.log(),
    /The coordinator refused registration \(attempt 1\): [^\n]*cannot reach this worker at its advertised address [^\n]*127\.0\.0\.1:1[^\n]*ECONNREFUSED[^\n]*set --advertise \(WORKER_ADVERTISE\)/,
  );
  assert.match(coordinator.log(), /Refused worker [^\n]*w-lost[^\n]*cannot reach this worker/);
  // never accepted, so never evicted: no flapping in the registry
  assert.doesNotMatch(coordinator.log(), /"w-lost\\?" registered|evicted/);
  await assertRefusalNoted(coordinator.url);
});

Deno.test("fleet: a worker advertising another live worker's address is refused registration, naming it", async () => {
  await using f = await fleet();
  const [wa] = f.workers;
  // a copied WORKER_ADVERTISE: the coordinator's calls for it would reach w-a
  await using copycat = await startWorkerProcess({
    id: "w-copy",
    coordinator: `127.0.0.1:${f.coordinator.grpcPort}`,
    workspaceRoot: `${f.coordinator.dir}/w-copy`,
    env: { WORKER_TOKEN: TOKEN },
    args: ["--advertise", wa!.address],
    waitForRegistration: false,
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !/refused registration/.test(copycat.log())) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(
    copycat.log(),
    /The coordinator refused registration[^\n]*is already registered by worker [^\n]*w-a[^\n]*set --advertise \(WORKER_ADVERTISE\) to this worker's own address/,
  );
  assert.doesNotMatch(copycat.log(), /Registered as/);
  assert.doesNotMatch(f.coordinator.log(), /w-copy\\?" registered/);
});
