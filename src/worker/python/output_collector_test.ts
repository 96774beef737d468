import assert from "node:assert/strict";
import type { TaskEvent } from "../../rpc/mod.ts";
import { OutputCollector } from "./output_collector.ts";

function logs(events: TaskEvent[]): string[] {
  return events.map((e) => e.type === "log" ? `${e.stream}:${e.data}` : "");
}

Deno.test("OutputCollector streams whole lines per stream even when chunks split them", () => {
  const events: TaskEvent[] = [];
  const out = new OutputCollector((e) => events.push(e));
  out.onOutput("stdout", "Collect");
  out.onOutput("stderr", "warn: x\n");
  out.onOutput("stdout", "ing demo\nInstall");
  out.flush();
  assert.deepEqual(logs(events), ["stderr:warn: x", "stdout:Collecting demo", "stdout:Install"]);
  assert.equal(out.tail(), "Collectwarn: x\ning demo\nInstall");
  assert.ok(out.received);
});

Deno.test("OutputCollector keeps only the tail and bounds the lines it streams", () => {
  const events: TaskEvent[] = [];
  const out = new OutputCollector((e) => events.push(e), { tailChars: 10, maxLines: 3 });
  for (let i = 0; i < 10; i++) out.onOutput("stdout", `line ${i}\n`);
  assert.equal(out.tail(), "line 8\nline 9\n".slice(-10));
  assert.equal(events.length, 4);
  assert.match(logs(events)[3] ?? "", /further output is not streamed/);
});

Deno.test("OutputCollector cuts a runaway line instead of buffering it without bound", () => {
  const events: TaskEvent[] = [];
  const out = new OutputCollector((e) => events.push(e));
  out.onOutput("stdout", "x".repeat(5000));
  assert.equal(events.length, 1);
  const first = events[0];
  assert.ok(first?.type === "log" && first.data.length <= 1003);
});

// A guard on behaviour, not on the saving: once the line budget is spent, onOutput no longer
// splits lines, and append() takes the end of a long chunk without joining it to the tail
// first. Neither changes anything a caller can see (events, tail, received), so this test
// passes on the code before those changes too; what they save is work, not output.
Deno.test("OutputCollector streams nothing after its notice, not even unterminated lines, and keeps the end of a chunk longer than the tail", () => {
  const events: TaskEvent[] = [];
  const out = new OutputCollector((e) => events.push(e), { tailChars: 10, maxLines: 2 });
  out.onOutput("stdout", "a\nb\nc\n");
  out.onOutput("stderr", "partial");
  out.onOutput("stdout", `${"x\n".repeat(100)}0123456789`);
  out.flush();
  // two lines, then the notice; nothing after it, not even the unterminated lines
  assert.deepEqual(logs(events).slice(0, 2), ["stdout:a", "stdout:b"]);
  assert.equal(events.length, 3);
  assert.equal(out.tail(), "0123456789");
});
