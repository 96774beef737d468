import assert from "node:assert/strict";
import { Outbox } from "./outbox.ts";
import type { WorkerThreadMessage } from "./protocol.ts";

type Sent = WorkerThreadMessage | WorkerThreadMessage[];

function event(id: number, data: string): WorkerThreadMessage {
  return { type: "event", id, event: { type: "log", stream: "stdout", level: "info", data } };
}

function outbox(options = { delayMs: 10_000, maxHeld: 64 }) {
  const sent: Sent[] = [];
  return { sent, box: new Outbox((m) => sent.push(m), options) };
}

Deno.test("Outbox: a task's events go out with its reply, in order, as one message", () => {
  const { sent, box } = outbox();
  box.send(event(1, "a\n"));
  box.send(event(1, "b\n"));
  assert.equal(sent.length, 0, "events are held");
  box.send({ type: "reply", id: 1, ok: true, value: "done" });
  assert.deepEqual(sent, [[
    event(1, "a\n"),
    event(1, "b\n"),
    { type: "reply", id: 1, ok: true, value: "done" },
  ]]);
});

Deno.test("Outbox: a reply with nothing held goes alone, not wrapped", () => {
  const { sent, box } = outbox();
  box.send({ type: "reply", id: 7, ok: true });
  assert.deepEqual(sent, [{ type: "reply", id: 7, ok: true }]);
});

Deno.test("Outbox: events of a long task go out after the delay without a reply", async () => {
  const { sent, box } = outbox({ delayMs: 5, maxHeld: 64 });
  box.send(event(2, "x\n"));
  assert.equal(sent.length, 0);
  const deadline = Date.now() + 2_000;
  while (sent.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(sent, [event(2, "x\n")]);
  box.send({ type: "reply", id: 2, ok: true });
  assert.equal(sent.length, 2, "the reply does not wait once the events are gone");
});

Deno.test("Outbox: held events are bounded: the maxHeld-th sends them all", () => {
  const { sent, box } = outbox({ delayMs: 10_000, maxHeld: 3 });
  box.send(event(3, "1"));
  box.send(event(3, "2"));
  assert.equal(sent.length, 0);
  box.send(event(3, "3"));
  assert.deepEqual(sent, [[event(3, "1"), event(3, "2"), event(3, "3")]]);
  box.flush(); // nothing held: sends nothing
  assert.equal(sent.length, 1);
});
