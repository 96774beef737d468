import assert from "node:assert/strict";
import { bytePipe, type SandboxExit, type SandboxProcess } from "../sandbox/mod.ts";
import { Kernel, MAX_STATUS_BYTES } from "./kernel.ts";
import type { PythonJob } from "./job.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A byte stream that hands out one queued chunk per read, waiting for the next to be queued. */
function pipe() {
  const waiting: ((chunk: Uint8Array | null) => void)[] = [];
  const queued: (Uint8Array | null)[] = [];
  const source: UnderlyingByteSource = {
    type: "bytes",
    async pull(controller) {
      // (not `??`: a queued null is the end, not an empty queue)
      const chunk = queued.length > 0
        ? queued.shift()!
        : await new Promise<Uint8Array | null>((r) => waiting.push(r));
      if (chunk === null) {
        controller.close();
        controller.byobRequest?.respond(0);
      } else controller.enqueue(chunk);
    },
  };
  // a byte stream, as a child process's pipes are: BYOB readers work on it
  const stream = bytePipe(new ReadableStream(source) as ReadableStream<Uint8Array>);
  const push = (chunk: Uint8Array | null) => {
    const next = waiting.shift();
    if (next) next(chunk);
    else queued.push(chunk);
  };
  return { stream, push };
}

/**
 * A stand-in interpreter: for each job it writes `stdout` chunks (the marker's place given as
 * MARK) on stdout, one per read, and the marker on stderr.
 */
function fakeProcess(stdoutChunks: string[]): SandboxProcess {
  const out = pipe();
  const err = pipe();
  let exited = false;
  let end!: (exit: SandboxExit) => void;
  const status = new Promise<SandboxExit>((r) => end = r);
  const stop = () => {
    if (exited) return;
    exited = true;
    out.push(null);
    err.push(null);
    end({ exitCode: 137, signal: "SIGKILL" });
  };
  return {
    pid: 0,
    stdout: out.stream,
    stderr: err.stream,
    get exited() {
      return exited;
    },
    status,
    write(frame: Uint8Array) {
      // `<length>\n<json><nonce>\n`: the nonce follows the job
      const text = decoder.decode(frame);
      const nonce = text.slice(-33, -1);
      assert.match(nonce, /^[0-9a-f]{32}$/);
      assert.ok(!text.slice(0, -33).includes(nonce), "the job itself does not carry the nonce");
      const marker = `\x00\x1e${nonce}\x1e`;
      err.push(encoder.encode(marker));
      for (const chunk of stdoutChunks) out.push(encoder.encode(chunk.replace("MARK", marker)));
      return Promise.resolve();
    },
    closeStdin: () => Promise.resolve(),
    kill: stop,
    dispose() {
      stop();
      return Promise.resolve();
    },
  };
}

const JOB: PythonJob = {
  code: "print('hello')",
  args: [],
  env: {},
  stdin: "",
  timeoutMs: 5_000,
  stateful: true,
};
const OPTIONS = { timeoutMs: 5_000, outputLimitBytes: 1 << 20 };

Deno.test("Kernel: a status line split across reads is read whole although the read buffer is reused", async () => {
  // the second chunk is read into the same buffer as the first, over the status's first half
  const kernel = new Kernel(fakeProcess(['hello\nMARK{"exit_co', 'de": 3}\n']), false);
  try {
    const result = await kernel.call(JOB, OPTIONS);
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, "hello\n");
    assert.equal(result.stderr, "");
    assert.equal(result.died, false);
    assert.equal(kernel.alive, true, "a parsed status does not retire the kernel");
  } finally {
    await kernel.dispose();
  }
});

Deno.test("Kernel: output split across reads, marker included, is kept in order", async () => {
  const chunks = ["one ", "two\nthr", "ee\n\x00", "MARK", '{"exit_code": 0}\n'];
  const kernel = new Kernel(fakeProcess(chunks), false);
  try {
    const result = await kernel.call(JOB, OPTIONS);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, "one two\nthree\n\x00");
  } finally {
    await kernel.dispose();
  }
});

Deno.test("Kernel: onEnded runs when the status is in, before the call returns; not on a death", async () => {
  const kernel = new Kernel(fakeProcess(['hi\nMARK{"exit_code": 0}\n']), false);
  const seen: string[] = [];
  try {
    const result = await kernel.call(JOB, { ...OPTIONS, onEnded: () => seen.push("ended") });
    seen.push("returned");
    assert.equal(result.stdout, "hi\n");
    assert.deepEqual(seen, ["ended", "returned"]);
  } finally {
    await kernel.dispose();
  }
  // no status ever comes: the timeout kills the process and the job did not end by itself
  const silent = new Kernel(fakeProcess(["working...\n"]), false);
  try {
    const ended: string[] = [];
    const result = await silent.call(JOB, {
      ...OPTIONS,
      timeoutMs: 50,
      onEnded: () => ended.push("ended"),
    });
    assert.equal(result.timedOut, true);
    assert.deepEqual(ended, []);
  } finally {
    await silent.dispose();
  }
});

Deno.test("Kernel: a status line longer than MAX_STATUS_BYTES stops the interpreter and fails the call", async () => {
  // 64 KiB chunks after the marker, never a newline: they must not be buffered without bound
  const flood = "x".repeat(64 * 1024);
  const chunks = ["before\nMARK", ...Array.from({ length: 64 }, () => flood)];
  const kernel = new Kernel(fakeProcess(chunks), false);
  try {
    const result = await kernel.call(JOB, OPTIONS);
    assert.equal(result.exitCode, 1);
    assert.equal(result.died, true);
    assert.equal(result.timedOut, false);
    assert.equal(result.stdout, "before\n");
    assert.match(result.failure ?? "", new RegExp(`longer than ${MAX_STATUS_BYTES} bytes`));
    assert.equal(kernel.alive, false);
  } finally {
    await kernel.dispose();
  }
});

Deno.test("Kernel: a listener that throws fails the call with its error and stops the interpreter", async () => {
  const kernel = new Kernel(fakeProcess(["hello\n", 'MARK{"exit_code": 0}\n']), false);
  const boom = new Error("listener failed");
  try {
    // the old code stopped reading stdout, never saw the status, and ran into the timeout
    await assert.rejects(
      kernel.call(JOB, {
        ...OPTIONS,
        onOutput: () => {
          throw boom;
        },
      }),
      (e) => e === boom,
    );
    assert.equal(kernel.alive, false, "a kernel whose output was not read is not reused");
  } finally {
    await kernel.dispose();
  }
});

Deno.test("Kernel: Python's ready byte is not output, and a fork it could not make is no exit", async () => {
  const failed = "fork: [Errno 11] Resource temporarily unavailable";
  const kernels = [
    new Kernel(fakeProcess(["\x06", `MARK{"start_failed": "${failed}"}\n`]), false),
    new Kernel(fakeProcess(['\x06hi\nMARK{"exit_code": 0}\n']), false),
  ];
  try {
    const [notStarted, ran] = [
      await kernels[0]!.call(JOB, OPTIONS),
      await kernels[1]!.call(JOB, OPTIONS),
    ];
    assert.deepEqual([notStarted.stdout, notStarted.startFailed], ["", failed]);
    assert.equal(notStarted.died, false);
    assert.deepEqual([ran.stdout, ran.startFailed], ["hi\n", undefined]);
  } finally {
    for (const kernel of kernels) await kernel.dispose();
  }
});
