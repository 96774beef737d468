/**
 * The behaviour every {@link WorkerClient} shares, as one test suite run against each
 * implementation (embedded, gRPC): call `runWorkerClientContract` from a `_test.ts` file.
 * @module
 */
import assert from "node:assert/strict";
import type { FsListResult, TaskOutcome, TaskRequest } from "../rpc/mod.ts";
import type { WorkerClient } from "./worker_client.ts";

/** A client under test and how to release everything behind it. */
export interface ContractSubject {
  client: WorkerClient;
  close(): Promise<void>;
}

/** Options for {@link runWorkerClientContract}. */
export interface ContractOptions {
  /** Skip the suite (e.g. a prerequisite is missing). */
  ignore?: boolean;
}

function expectOk(outcome: TaskOutcome): Extract<TaskOutcome, { ok: true }> {
  if (!outcome.ok) {
    assert.fail(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  }
  return outcome;
}

function expectError(outcome: TaskOutcome, code: string): void {
  assert.equal(outcome.ok, false, `expected ${code}, got success`);
  if (!outcome.ok) assert.equal(outcome.error.code, code, outcome.error.message);
}

const write = (path: string, contents: string): TaskRequest => ({
  tool: "fs.write",
  args: { path, contents },
});
const read = (path: string): TaskRequest => ({ tool: "fs.read", args: { path } });

/** Registers the contract tests for one implementation; `makeClient` is called per test. */
export function runWorkerClientContract(
  name: string,
  makeClient: () => Promise<ContractSubject>,
  options: ContractOptions = {},
): void {
  function test(title: string, fn: (client: WorkerClient) => Promise<void>): void {
    Deno.test({
      name: `${name}: ${title}`,
      ignore: options.ignore ?? false,
      async fn() {
        const subject = await makeClient();
        try {
          await fn(subject.client);
        } finally {
          await subject.close();
        }
      },
    });
  }

  test("createSession is idempotent and limits() reports positive limits", async (c) => {
    await c.createSession("s1");
    await c.createSession("s1");
    const limits = c.limits();
    for (const [key, value] of Object.entries(limits)) assert.ok(value > 0, `${key} = ${value}`);
  });

  test("fs.write then fs.read returns the same text and byte count", async (c) => {
    await c.createSession("s1");
    const text = "héllo\nwörld ✓\n";
    const written = expectOk(await c.execute("s1", write("dir/a.txt", text)));
    assert.deepEqual(written.result, {
      path: "dir/a.txt",
      bytes_written: new TextEncoder().encode(text).length,
    });
    const got = expectOk(await c.execute("s1", read("dir/a.txt")));
    assert.equal((got.result as { contents: string }).contents, text);
  });

  test("fs.read with base64 returns the bytes written as base64", async (c) => {
    await c.createSession("s1");
    const contents = "AAEC/w==";
    const task: TaskRequest = {
      tool: "fs.write",
      args: { path: "b.bin", contents, encoding: "base64" },
    };
    expectOk(await c.execute("s1", task));
    const got = expectOk(
      await c.execute("s1", { tool: "fs.read", args: { path: "b.bin", encoding: "base64" } }),
    );
    assert.equal((got.result as { contents: string }).contents, contents);
  });

  test("a 6 MiB file is written whole and read back in a bounded slice", async (c) => {
    await c.createSession("s1");
    const size = 6 * 1024 * 1024;
    const contents = "x".repeat(size);
    const wrote = expectOk(await c.execute("s1", write("big.txt", contents)));
    assert.equal((wrote.result as { bytes_written: number }).bytes_written, size);
    const task: TaskRequest = { tool: "fs.read", args: { path: "big.txt", offset: size - 3 } };
    const tail = expectOk(await c.execute("s1", task));
    assert.deepEqual(tail.result, {
      path: "big.txt",
      contents: "xxx",
      encoding: "utf-8",
      size_bytes: size,
      truncated: false,
    });
  });

  test("fs.list lists written files with their sizes", async (c) => {
    await c.createSession("s1");
    expectOk(await c.execute("s1", write("x.py", "print(1)\n")));
    expectOk(await c.execute("s1", write("sub/y.txt", "yy")));
    const listed = expectOk(await c.execute("s1", { tool: "fs.list", args: { recursive: true } }));
    const result = listed.result as {
      entries: { path: string; size_bytes: number; is_directory: boolean }[];
    };
    const files = result.entries.filter((e) => !e.is_directory).map((e) => [e.path, e.size_bytes]);
    assert.deepEqual(files.sort(), [["sub/y.txt", 2], ["x.py", 9]]);
  });

  test("fs.list with after goes on after that name, and refuses it on a recursive listing", async (c) => {
    await c.createSession("s1");
    for (const name of ["c.txt", "a.txt", "b.txt"]) {
      expectOk(await c.execute("s1", write(name, "x")));
    }
    const task: TaskRequest = { tool: "fs.list", args: { after: "a.txt" } };
    const listed = expectOk(await c.execute("s1", task)).result as {
      entries: { name: string }[];
      total_count: number;
    };
    assert.deepEqual(listed.entries.map((e) => e.name), ["b.txt", "c.txt"]);
    assert.equal(listed.total_count, 2);
    const recursive: TaskRequest = { tool: "fs.list", args: { after: "a.txt", recursive: true } };
    expectError(await c.execute("s1", recursive), "INVALID_ARGUMENT");
  });

  test("fs.list with limit says where the next page starts", async (c) => {
    await c.createSession("s1");
    for (const name of ["c.txt", "a.txt", "b.txt"]) {
      expectOk(await c.execute("s1", write(name, "x")));
    }
    const task: TaskRequest = { tool: "fs.list", args: { limit: 2 } };
    const listed = expectOk(await c.execute("s1", task)).result as FsListResult;
    assert.deepEqual(listed, {
      entries: listed.entries,
      total_count: 3,
      truncated: true,
      next_after: "b.txt",
    });
    const last: TaskRequest = { tool: "fs.list", args: { limit: 2, after: "b.txt" } };
    const rest = expectOk(await c.execute("s1", last)).result as FsListResult;
    assert.equal(rest.truncated, false);
    assert.equal("next_after" in rest, false);
  });

  test("a path leaving the workspace fails with PATH_VIOLATION", async (c) => {
    await c.createSession("s1");
    expectError(await c.execute("s1", write("../escape.txt", "x")), "PATH_VIOLATION");
    expectError(await c.execute("s1", read("/etc/passwd")), "PATH_VIOLATION");
  });

  test("reading a missing file fails with NOT_FOUND", async (c) => {
    await c.createSession("s1");
    expectError(await c.execute("s1", read("nope.txt")), "NOT_FOUND");
  });

  test("sessions are isolated from each other", async (c) => {
    await c.createSession("s1");
    await c.createSession("s2");
    expectOk(await c.execute("s1", write("mine.txt", "1")));
    expectError(await c.execute("s2", read("mine.txt")), "NOT_FOUND");
  });

  test("destroySession removes the session's files and is idempotent", async (c) => {
    await c.createSession("s1");
    expectOk(await c.execute("s1", write("a.txt", "data")));
    await c.destroySession("s1");
    await c.destroySession("s1");
    await c.createSession("s1");
    expectError(await c.execute("s1", read("a.txt")), "NOT_FOUND");
  });

  test("a task for a session never created runs in a fresh workspace", async (c) => {
    expectOk(await c.execute("fresh", write("a.txt", "x")));
    const got = expectOk(await c.execute("fresh", read("a.txt")));
    assert.equal((got.result as { contents: string }).contents, "x");
  });

  test("a malformed session id fails with INVALID_ARGUMENT", async (c) => {
    expectError(await c.execute("../evil", read("a.txt")), "INVALID_ARGUMENT");
  });

  test("an already-aborted signal resolves with CANCELLED and nothing is written", async (c) => {
    await c.createSession("s1");
    const controller = new AbortController();
    controller.abort();
    const outcome = await c.execute("s1", write("late.txt", "x"), { signal: controller.signal });
    expectError(outcome, "CANCELLED");
    expectError(await c.execute("s1", read("late.txt")), "NOT_FOUND");
  });
}
