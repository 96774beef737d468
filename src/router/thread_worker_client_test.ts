import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { WorkerConfigSchema } from "../config/mod.ts";
import type { TaskEvent } from "../rpc/mod.ts";
import { spawnWorkerThread } from "../worker/thread/mod.ts";
import { bubblewrapAvailable } from "../worker/sandbox/mod.ts";
import { createThreadWorkerClient, type ThreadPort } from "./thread_worker_client.ts";
import { runWorkerClientContract } from "./worker_client_contract.ts";

const LIMITS = WorkerConfigSchema.parse({
  coordinator: "127.0.0.1:1",
  listen: "127.0.0.1:0",
  workerId: "w1",
  workspaceRoot: "/unused",
  workerToken: "t",
  limits: {},
}).limits;

async function startThread(options: { insecureNoSandbox?: boolean } = {}) {
  const root = await Deno.makeTempDir({ prefix: "thread-client-" });
  const worker = await spawnWorkerThread({
    workspaceRoot: `${root}/ws`,
    limits: LIMITS,
    insecureNoSandbox: options.insecureNoSandbox ?? false,
  });
  const client = await createThreadWorkerClient("embedded-1", worker);
  return {
    root,
    worker,
    client,
    async close() {
      await client.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

// Without --unstable-worker-options, `new Worker(..., {deno: {permissions}})` exits the whole
// process (uncatchable); deno.json's "unstable" turns it on for every test run.
const NO_WORKER_OPTIONS = !((denoJson as { unstable?: string[] }).unstable ?? []).includes(
  "worker-options",
);

runWorkerClientContract("ThreadWorkerClient", startThread, { ignore: NO_WORKER_OPTIONS });

Deno.test("ThreadWorkerClient.limits() reports the executor's limits fetched at start", {
  ignore: NO_WORKER_OPTIONS,
}, async () => {
  await using t = {
    ...(await startThread()),
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
  assert.equal(t.client.limits().max_file_bytes, LIMITS.maxFileBytes);
  assert.equal(t.client.limits().run_timeout_seconds_max, LIMITS.runTimeoutMaxSeconds);
});

Deno.test("the worker thread may write only the workspace root: elsewhere is NotCapable", {
  ignore: NO_WORKER_OPTIONS,
}, async () => {
  const t = await startThread();
  const outside = await Deno.makeTempDir({ prefix: "thread-outside-" });
  try {
    const real = await Deno.realPath(`${t.root}/ws`);
    assert.deepEqual(await t.client.probe({ op: "write", path: `${real}/x.txt` }), {
      permitted: true,
    });
    const denied = [
      { op: "write", path: `${outside}/x.txt` },
      { op: "write", path: `${t.root}/beside-ws.txt` },
      { op: "write", path: "/etc/codegen-probe" },
      { op: "read", path: `${outside}` },
      { op: "net", hostname: "127.0.0.1", port: 9 },
      { op: "env", name: "HOME" },
      { op: "run", command: "sh" },
      { op: "sys", kind: "hostname" },
    ] as const;
    for (const op of denied) {
      const result = await t.client.probe(op);
      assert.equal(result.permitted, false, JSON.stringify(op));
      if (!result.permitted) assert.equal(result.error, "NotCapable", JSON.stringify(op));
    }
    await assert.rejects(Deno.lstat(`${outside}/x.txt`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(outside, { recursive: true });
    await t.close();
  }
});

Deno.test("ThreadWorkerClient streams a task's events to onEvent", {
  ignore: NO_WORKER_OPTIONS || (Deno.env.get("CI") !== "true" && !(await bubblewrapAvailable())),
}, async () => {
  const t = await startThread();
  try {
    const events: TaskEvent[] = [];
    const outcome = await t.client.execute("s1", {
      tool: "run.python",
      args: { code: "print('hello from the sandbox')" },
    }, { onEvent: (e) => events.push(e) });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.match((outcome.result as { stdout: string }).stdout, /hello from the sandbox/);
    assert.ok(events.some((e) => e.type === "log" && e.data.includes("hello from the sandbox")));
  } finally {
    await t.close();
  }
});

Deno.test("aborting the signal cancels the task inside the thread", {
  ignore: NO_WORKER_OPTIONS || (Deno.env.get("CI") !== "true" && !(await bubblewrapAvailable())),
}, async () => {
  const t = await startThread();
  try {
    const controller = new AbortController();
    const events: TaskEvent[] = [];
    const running = t.client.execute("s1", {
      tool: "run.python",
      args: { code: "import time\nprint('started', flush=True)\ntime.sleep(60)" },
    }, {
      signal: controller.signal,
      onEvent(e) {
        events.push(e);
        if (e.type === "log" && e.data.includes("started")) controller.abort();
      },
    });
    const outcome = await running;
    assert.equal(outcome.ok, false, JSON.stringify(outcome));
    if (!outcome.ok) assert.equal(outcome.error.code, "CANCELLED");
  } finally {
    await t.close();
  }
});

Deno.test("a crashed worker thread resolves pending and later calls with WORKER_UNAVAILABLE", {
  ignore: NO_WORKER_OPTIONS,
}, async () => {
  const t = await startThread();
  try {
    // a message the thread cannot read throws inside its message loop: a real crash; the
    // task sent after it is still pending when the thread dies
    (t.worker as unknown as { postMessage(m: unknown): void }).postMessage(null);
    const pending = t.client.execute("s1", { tool: "fs.list", args: {} });
    const outcomes = [await pending, await t.client.execute("s1", { tool: "fs.list", args: {} })];
    for (const outcome of outcomes) {
      assert.equal(outcome.ok, false);
      if (!outcome.ok) {
        assert.equal(outcome.error.code, "WORKER_UNAVAILABLE");
        assert.equal(outcome.error.retriable, true);
      }
    }
    await assert.rejects(t.client.createSession("s2"), /crashed/);
  } finally {
    await t.close();
  }
});

Deno.test("ThreadWorkerClient leaves no pending entries or abort listeners behind", async () => {
  const posted: unknown[] = [];
  const port: ThreadPort = {
    postMessage(m) {
      posted.push(m);
      if (m.type === "execute") {
        queueMicrotask(() =>
          port.onmessage?.({ type: "reply", id: m.id, ok: true, value: { ok: true, result: {} } })
        );
      }
    },
    terminate() {},
    onmessage: null,
    onerror: null,
    onmessageerror: null,
  };
  const starting = createThreadWorkerClient("fake", port);
  port.onmessage?.({ type: "reply", id: 0, ok: true, value: { max_file_bytes: 1 } });
  const client = await starting;
  const controller = new AbortController();
  let added = 0;
  let removed = 0;
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => (added++, add(...args));
  signal.removeEventListener = (...args: Parameters<typeof remove>) => (removed++, remove(...args));
  for (let i = 0; i < 5; i++) {
    await client.execute("s", { tool: "fs.list", args: {} }, { signal });
  }
  assert.equal(added, 5);
  assert.equal(removed, 5);
  controller.abort();
  assert.equal(posted.filter((m) => (m as { type: string }).type === "cancel").length, 0);
});
