/**
 * A real `redis-server` for tests: its own process on a free loopback port, nothing saved
 * to disk, stopped by `close()`. Tests that need it register with
 * `ignore: ignoreWithoutRedis()`: skipped (with a note on stderr) where Redis is not
 * installed, but run and failing with a clear message when `CI=true`.
 * @module
 */
import { freePort } from "./free_port.ts";

const BINARY = "redis-server";
const START_ATTEMPTS = 5;
const START_TIMEOUT_MS = 5_000;
const OUTPUT_LIMIT = 64 * 1024;
const READY_LINE = "Ready to accept connections";

/** A running Redis server. */
export interface RedisServer extends AsyncDisposable {
  /** `redis://[:password@]127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server (its own process only) and waits for it to exit. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Makes the server require this password (`--requirepass`); the URL carries it. */
  password?: string;
  /** Listens on this port (e.g. to restart a server where clients expect it); default a free one. */
  port?: number;
}

/** Whether `redis-server` is on PATH. */
export function redisAvailable(): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      if (Deno.statSync(`${dir}/${BINARY}`).isFile) return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

let skipNoted = false;

/**
 * The `ignore:` value for a test that needs Redis: true (skip) only when `redis-server` is
 * missing outside CI. Under `CI=true` the test runs and fails in {@link startRedisServer}.
 */
export function ignoreWithoutRedis(): boolean {
  if (redisAvailable() || Deno.env.get("CI") === "true") return false;
  if (!skipNoted) {
    skipNoted = true;
    const note = `${BINARY} is not on PATH: Redis tests are skipped ` +
      "(install it, e.g. apt-get install redis-server; CI=true makes this a failure)\n";
    Deno.stderr.writeSync(new TextEncoder().encode(note));
  }
  return true;
}

/** Starts a server on a free port, retrying on a port collision; resolves once it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (!redisAvailable()) {
    throw new Error(`${BINARY} is not on PATH: install it (apt-get install redis-server)`);
  }
  let lastFailure = "";
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = options.port ?? freePort();
    const started = await tryStart(port, options.password);
    if (started.ok) return started.server;
    lastFailure = started.reason;
    if (options.port !== undefined || !/address already in use/i.test(started.reason)) break;
  }
  throw new Error(`${BINARY} did not start: ${lastFailure}`);
}

type StartResult = { ok: true; server: RedisServer } | { ok: false; reason: string };

async function tryStart(port: number, password: string | undefined): Promise<StartResult> {
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--protected-mode",
    "yes",
    "--save",
    "",
    "--appendonly",
    "no",
    "--daemonize",
    "no",
    "--logfile",
    "",
  ];
  if (password !== undefined) args.push("--requirepass", password);
  const child = new Deno.Command(BINARY, { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
  const output = collectOutput(child);
  const ready = await waitForReady(child, output);
  if (ready.ok) {
    if (await answersPing(port, password).catch(() => false)) {
      const auth = password === undefined ? "" : `:${encodeURIComponent(password)}@`;
      return { ok: true, server: serverHandle(child, output.done, port, auth) };
    }
    await stop(child, output.done);
    return { ok: false, reason: "ready, but PING was not answered with PONG" };
  }
  await stop(child, output.done);
  return { ok: false, reason: `${ready.reason}: ${output.text().trim().slice(-2000)}` };
}

function serverHandle(
  child: Deno.ChildProcess,
  outputDone: Promise<void>,
  port: number,
  auth: string,
): RedisServer {
  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= stop(child, outputDone);
    return closing;
  }
  return { url: `redis://${auth}127.0.0.1:${port}`, port, close, [Symbol.asyncDispose]: close };
}

/** Sends PING (after AUTH when a password is set) over a raw connection; true on `+PONG`. */
async function answersPing(port: number, password: string | undefined): Promise<boolean> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let closed = false;
  function close(): void {
    if (!closed) conn.close();
    closed = true;
  }
  const timer = setTimeout(close, START_TIMEOUT_MS); // a silent server fails the read
  try {
    const auth = password === undefined ? "" : command("AUTH", password);
    await conn.write(new TextEncoder().encode(auth + command("PING")));
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(1024);
    let reply = "";
    for (let reads = 0; reads < 16 && !reply.includes("+PONG") && !reply.includes("-"); reads++) {
      const n = await conn.read(buffer);
      if (n === null) break;
      reply += decoder.decode(buffer.subarray(0, n));
    }
    return reply.includes("+PONG");
  } finally {
    clearTimeout(timer);
    close();
  }
}

function command(...parts: string[]): string {
  const encoder = new TextEncoder();
  return `*${parts.length}\r\n` +
    parts.map((p) => `$${encoder.encode(p).length}\r\n${p}\r\n`).join("");
}

async function stop(child: Deno.ChildProcess, outputDone: Promise<void>): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // already exited
  }
  await child.status;
  await outputDone;
}

interface Output {
  text(): string;
  /** Resolves when the line `READY_LINE` appears or the output ends. */
  readyOrEnd: Promise<void>;
  done: Promise<void>;
}

function collectOutput(child: Deno.ChildProcess): Output {
  let text = "";
  let signalReady!: () => void;
  const readyOrEnd = new Promise<void>((resolve) => signalReady = resolve);
  async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      if (text.length < OUTPUT_LIMIT) text += chunk;
      if (text.includes(READY_LINE)) signalReady();
    }
  }
  const done = Promise.all([drain(child.stdout), drain(child.stderr)]).then(() => signalReady());
  return { text: () => text, readyOrEnd, done };
}

async function waitForReady(
  child: Deno.ChildProcess,
  output: Output,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), START_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([output.readyOrEnd.then(() => "signal" as const), timeout]);
    if (outcome === "timeout") return { ok: false, reason: `not ready in ${START_TIMEOUT_MS} ms` };
    if (!output.text().includes(READY_LINE)) {
      const status = await child.status;
      return { ok: false, reason: `exited with code ${status.code}` };
    }
    return { ok: true };
  } finally {
    clearTimeout(timer);
  }
}
