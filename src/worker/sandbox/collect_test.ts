import assert from "node:assert/strict";
import { type BytePipe, bytePipe } from "./byte_pipe.ts";
import { collect } from "./collect.ts";
import type { SandboxExit, SandboxProcess } from "./runner.ts";
import { spawnProcess } from "./spawned_process.ts";

const enc = new TextEncoder();

/** A byte stream that hands out `bytes` in chunks of `size`, one chunk per read. */
function chunked(bytes: Uint8Array, size: number): BytePipe {
  let at = 0;
  return bytePipe(
    new ReadableStream({
      type: "bytes",
      pull(controller) {
        if (at >= bytes.length) {
          controller.close();
          // a BYOB read waiting on a closed stream ends only when answered with no bytes
          return controller.byobRequest?.respond(0);
        }
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      },
    }),
  );
}

/** A finished process whose pipes hold the given bytes, split into small chunks. */
function fakeProcess(stdout: Uint8Array, stderr: Uint8Array, chunkSize = 1000): SandboxProcess {
  const status: Promise<SandboxExit> = Promise.resolve({ exitCode: 0 });
  return {
    pid: 1,
    stdout: chunked(stdout, chunkSize),
    stderr: chunked(stderr, chunkSize),
    exited: true,
    status,
    write: () => Promise.resolve(),
    closeStdin: () => Promise.resolve(),
    kill() {},
    dispose: () => Promise.resolve(),
  };
}

Deno.test("collect() passes onOutput all output, including what outputLimitBytes drops", async () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} é\n`).join("");
  const bytes = new TextEncoder().encode(lines);
  const seen = { stdout: "", stderr: "" };
  const result = await collect(fakeProcess(bytes, new TextEncoder().encode("warn\n")), {
    timeoutMs: 10_000,
    outputLimitBytes: 20_000,
    onOutput: (stream, text) => {
      seen[stream] += text;
    },
  });
  // the result stays capped...
  assert.equal(result.truncated, true);
  assert.ok(result.stdout.startsWith("line 0 é\n"));
  assert.ok(result.stdout.length <= 20_000);
  // ...while the listener saw everything, multi-byte characters intact across chunks
  assert.equal(seen.stdout, lines);
  assert.ok(seen.stdout.endsWith("line 2999 é\n"));
  assert.equal(seen.stderr, "warn\n");
});

Deno.test("collect() caps stdout and stderr each, exactly at the cap and one byte over", async () => {
  const atCap = "€".repeat(10); // 30 bytes, read 4 at a time: characters straddle chunks
  const cases = [
    { limit: 30, stdout: atCap, stderr: atCap, keptErr: atCap, truncated: false },
    { limit: 30, stdout: atCap, stderr: `${atCap}!`, keptErr: atCap, truncated: true },
    { limit: 29, stdout: atCap, stderr: "", keptErr: "", truncated: true },
  ];
  for (const c of cases) {
    const seen = { stdout: "", stderr: "" };
    const result = await collect(fakeProcess(enc.encode(c.stdout), enc.encode(c.stderr), 4), {
      timeoutMs: 10_000,
      outputLimitBytes: c.limit,
      onOutput: (stream, text) => {
        seen[stream] += text;
      },
    });
    const name = JSON.stringify(c);
    assert.equal(result.truncated, c.truncated, name);
    // a cap of 29 falls inside the last "€": none of it is kept
    assert.equal(result.stdout, c.limit === 30 ? atCap : "€".repeat(9), name);
    assert.equal(result.stderr, c.keptErr, name);
    assert.deepEqual(seen, { stdout: c.stdout, stderr: c.stderr }, name);
  }
});

Deno.test("collect() keeps no part of a character the cap splits, however the bytes are chunked", async () => {
  const text = "a" + "😀".repeat(4); // 17 bytes; a cap of 10 falls inside the third emoji
  for (const size of [1, 2, 3, 5, 17]) {
    const seen: string[] = [];
    const result = await collect(fakeProcess(enc.encode(text), new Uint8Array(0), size), {
      timeoutMs: 10_000,
      outputLimitBytes: 10,
      onOutput: (_stream, t) => seen.push(t),
    });
    assert.equal(result.stdout, "a😀😀", `chunks of ${size}`);
    assert.equal(result.truncated, true);
    assert.equal(seen.join(""), text);
  }
});

Deno.test("collect() caps a real process's interleaved stdout and stderr exactly", async () => {
  // stdout: exactly the cap (4096 bytes); stderr: one byte over (4097), the cap falling
  // inside its last "€"; written in turns, each flushed, so the pipes fill side by side
  const code = "import sys\n" +
    "for i in range(64):\n" +
    "    sys.stdout.write('é' * 32); sys.stdout.flush()\n" +
    "    sys.stderr.write('x' * 64 if i < 63 else 'x' * 62 + '€'); sys.stderr.flush()\n";
  const proc = spawnProcess({
    program: "python3",
    args: ["-c", code],
    env: { PATH: "/usr/bin:/bin", PYTHONIOENCODING: "utf-8" },
  });
  const seen = { stdout: "", stderr: "" };
  const result = await collect(proc, {
    timeoutMs: 30_000,
    outputLimitBytes: 4096,
    onOutput: (stream, text) => {
      seen[stream] += text;
    },
  });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stdout, "é".repeat(2048));
  assert.equal(result.stderr, "x".repeat(4094));
  assert.equal(result.truncated, true);
  assert.deepEqual(seen, { stdout: "é".repeat(2048), stderr: `${"x".repeat(4094)}€` });
});

/**
 * Runs `fn` while watching timers armed for `delay` ms; returns how many were left armed
 * (neither fired nor cleared). Deno's op sanitizer does not report a pending timer.
 */
async function timersLeftArmed(delay: number, fn: () => Promise<void>): Promise<number> {
  const armed = new Set<unknown>();
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  globalThis.setTimeout = ((handler: () => void, ms?: number) => {
    const id = set(() => {
      armed.delete(id);
      handler();
    }, ms);
    if (ms === delay) armed.add(id);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = (id?: Parameters<typeof clearTimeout>[0]) => {
    armed.delete(id);
    clear(id);
  };
  try {
    await fn();
  } finally {
    globalThis.setTimeout = set;
    globalThis.clearTimeout = clear;
  }
  for (const id of armed) clear(id as Parameters<typeof clearTimeout>[0]);
  return armed.size;
}

Deno.test("collect() leaves no timer or abort listener behind when it cannot read the pipes", async () => {
  // a default stream, not a byte stream: the type forbids it, so only a cast gets it here
  const plain = () => new ReadableStream<Uint8Array>() as BytePipe;
  let kills = 0;
  const proc: SandboxProcess = {
    ...fakeProcess(new Uint8Array(0), new Uint8Array(0)),
    stdout: plain(),
    stderr: plain(),
    kill: () => void kills++,
    dispose: () => Promise.resolve(void kills++),
  };
  const abort = new AbortController();
  const timeoutMs = 987_654; // a delay nothing else arms
  const left = await timersLeftArmed(timeoutMs, async () => {
    await assert.rejects(
      collect(proc, { timeoutMs, outputLimitBytes: 100, signal: abort.signal }),
      { name: "CodegenError", code: "INTERNAL" },
    );
  });
  assert.equal(left, 0, "the timeout's timer was left armed");
  // the process it could not drive is stopped, once; a later abort reaches nothing
  assert.equal(kills, 1);
  abort.abort();
  assert.equal(kills, 1);
});

Deno.test("collect() fails with a listener's own error, and stops the process it can no longer read", async () => {
  // a process that writes without end and stops only when killed, as a child blocked on a
  // full pipe would wait out the timeout if that pipe were no longer read
  let exited!: (exit: SandboxExit) => void;
  const status = new Promise<SandboxExit>((r) => exited = r);
  let kills = 0;
  const endless = bytePipe(
    new ReadableStream({
      type: "bytes",
      pull: (controller) => controller.enqueue(enc.encode("tick\n")),
    }),
  );
  const proc: SandboxProcess = {
    ...fakeProcess(new Uint8Array(0), new Uint8Array(0)),
    stdout: endless,
    exited: false,
    status,
    kill() {
      kills++;
      exited({ exitCode: 137, signal: "SIGKILL" });
    },
  };
  const boom = new Error("listener failed");
  await assert.rejects(
    collect(proc, {
      timeoutMs: 5_000, // the old code ran into it and returned a result
      outputLimitBytes: 100,
      onOutput: () => {
        throw boom;
      },
    }),
    (e) => e === boom,
  );
  assert.ok(kills >= 1);
  assert.equal(endless.locked, false, "the pipe it stopped reading is released");
});
