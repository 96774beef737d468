import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import { INITIALIZE_BODY, POST_HEADERS, serverOptions } from "./_testing.ts";

const encoder = new TextEncoder();

/**
 * Opens a raw connection and sends an initialize POST's headers and only the first 10 bytes
 * of its body: a client whose body stalls.
 */
async function stalledPost(port: number): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = `POST /mcp HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n` +
    "content-type: application/json\r\naccept: application/json, text/event-stream\r\n" +
    `content-length: ${INITIALIZE_BODY.length}\r\n\r\n`;
  // all but its last byte: a body is held as it arrives
  await conn.write(encoder.encode(head + INITIALIZE_BODY.slice(0, -1)));
  return conn;
}

// The response's text up to the end of the connection or of its first JSON body; what came
// within 10 s when the server says no more.
async function readResponse(conn: Deno.TcpConn): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  let gaveUp = false;
  const timer = setTimeout(() => {
    gaveUp = true;
    close(conn);
  }, 10_000);
  try {
    for (let i = 0; i < 100 && !text.includes('"id":null}'); i++) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
  } finally {
    clearTimeout(timer);
  }
  return gaveUp ? `no answer within 10 s: ${text}` : text;
}

function close(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

Deno.test("a POST body that stalls is answered 408 (-32000) after bodyTimeoutMs, opening no session", async () => {
  await using http = await startHttpServer(serverOptions({ bodyTimeoutMs: 50 }));
  const conn = await stalledPost(http.port);
  try {
    const text = await readResponse(conn);
    assert.match(text, /^HTTP\/1\.1 408/);
    assert.match(
      text,
      new RegExp(`did not arrive within 50 ms \\(received ${INITIALIZE_BODY.length - 1} bytes\\)`),
    );
    // the server gave up waiting: not a parse error (-32700) of JSON it never had whole
    assert.match(text, /"code":-32000,/);
    assert.equal(http.sessionCount(), 0);
  } finally {
    close(conn);
  }
});

Deno.test("close() does not wait for a POST body that stalls", async () => {
  const { promise: arrived, resolve } = Promise.withResolvers<void>();
  // default bodyTimeoutMs (a minute): only the shutdown can end the wait in time
  const http = await startHttpServer(serverOptions({
    shutdownGraceMs: 100,
    publicRoutes: () => {
      resolve();
      return undefined;
    },
  }));
  const conn = await stalledPost(http.port);
  try {
    await arrived;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<string>((r) => timer = setTimeout(() => r("stuck"), 10_000));
    const closed = await Promise.race([http.close().then(() => "closed"), stuck]);
    clearTimeout(timer);
    assert.equal(closed, "closed", "close() waited for the stalled body");
    const text = await readResponse(conn);
    assert.match(text, /^HTTP\/1\.1 503/);
    assert.match(text, /"code":-32000,/);
  } finally {
    close(conn);
    await http.close();
    await http.finished;
  }
});

Deno.test("bodies that stall hold at most maxBodyBytesTotal: one past it gets 503 with Retry-After", async () => {
  // the initialize body is about 150 bytes: one stalled short of its end fits, two do not
  await using http = await startHttpServer(serverOptions({ maxBodyBytesTotal: 200 }));
  const first = await stalledPost(http.port);
  const second = await stalledPost(http.port);
  try {
    const text = await readResponse(second);
    assert.match(text, /^HTTP\/1\.1 503/);
    assert.match(text, /retry-after: 1/i);
    assert.match(text, /Too many request bodies are arriving at once \(more than 200 bytes/);
    assert.match(text, /"code":-32000,/);
    // the stalled one's bytes come back when it goes: a whole body is then taken
    close(first);
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      const res = await fetch(`${http.url}/mcp`, {
        method: "POST",
        headers: POST_HEADERS,
        body: INITIALIZE_BODY,
      });
      await res.body?.cancel();
      status = res.status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 200);
  } finally {
    close(first);
    close(second);
  }
});
