import assert from "node:assert/strict";
import { status as Status } from "@grpc/grpc-js";
import { CodegenError, ERROR_CODES } from "../core/mod.ts";
import { fromServiceError, statusForCode, toServiceError } from "./grpc_status.ts";

Deno.test("every project error code crosses gRPC and comes back with its code and message", () => {
  for (const code of ERROR_CODES) {
    const sent = toServiceError(new CodegenError(code, `Cannot do "x": ${code}`));
    assert.equal(sent.code, statusForCode(code));
    const back = fromServiceError(sent);
    assert.equal(back.code, code);
    assert.equal(back.message, `Cannot do "x": ${code}`);
    assert.equal(back.retriable, code === "WORKER_UNAVAILABLE");
  }
});

Deno.test("a leaving worker's refusal crosses gRPC marked in trailing metadata, not by its words", () => {
  const message = "Cannot start session: the worker is draining";
  const sent = toServiceError(
    new CodegenError("WORKER_UNAVAILABLE", message, { retriable: true, workerLeaving: true }),
  );
  assert.equal(sent.code, Status.UNAVAILABLE);
  const back = fromServiceError(sent);
  assert.deepEqual([back.code, back.message, back.workerLeaving], [
    "WORKER_UNAVAILABLE",
    message,
    true,
  ]);
  // same status and words with no mark: a lost worker
  const unmarked = fromServiceError({ code: sent.code, details: sent.details });
  assert.equal(unmarked.workerLeaving, false);
  const plain = toServiceError(new CodegenError("WORKER_UNAVAILABLE", message));
  assert.equal(plain.metadata, undefined);
  assert.equal(fromServiceError(plain).workerLeaving, false);
});

Deno.test("statuses raised by gRPC itself for a lost worker map to retriable WORKER_UNAVAILABLE", () => {
  for (const code of [Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.CANCELLED]) {
    const err = fromServiceError({ code, details: "Connection dropped" });
    assert.equal(err.code, "WORKER_UNAVAILABLE");
    assert.equal(err.retriable, true);
    assert.match(err.message, /Connection dropped/);
  }
});

Deno.test("an empty resolution note grpc-js appends to a failed dial is not shown", () => {
  const details = "No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1. " +
    "Resolution note: ";
  const err = fromServiceError({ code: Status.UNAVAILABLE, details });
  assert.equal(
    err.message,
    "Worker unreachable: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1",
  );
  const kept = fromServiceError({ code: Status.UNAVAILABLE, details: "Resolution note: dns" });
  assert.match(kept.message, /Resolution note: dns$/, "a note with words in it stays");
});

Deno.test("other raw statuses map to the nearest project code and are not retriable", () => {
  const cases: [Status, string][] = [
    [Status.UNAUTHENTICATED, "UNAUTHENTICATED"],
    [Status.PERMISSION_DENIED, "PERMISSION_DENIED"],
    [Status.RESOURCE_EXHAUSTED, "LIMIT_EXCEEDED"],
    [Status.UNIMPLEMENTED, "INTERNAL"],
    [Status.INVALID_ARGUMENT, "INVALID_ARGUMENT"],
  ];
  for (const [status, code] of cases) {
    const err = fromServiceError({ code: status, details: "no prefix here" });
    assert.deepEqual([err.code, err.retriable], [code, false]);
  }
});

Deno.test("a details prefix that is not a project code is kept as message text", () => {
  const err = fromServiceError({ code: Status.INTERNAL, details: "HELLO: world" });
  assert.deepEqual([err.code, err.message], ["INTERNAL", "HELLO: world"]);
});

Deno.test("a thrown non-CodegenError travels as INTERNAL", () => {
  const sent = toServiceError(new TypeError("boom"));
  assert.deepEqual([sent.code, sent.details], [Status.INTERNAL, "INTERNAL: boom"]);
});

Deno.test("the statuses other gRPC peers see are the conventional ones", () => {
  assert.equal(statusForCode("LIMIT_EXCEEDED"), Status.RESOURCE_EXHAUSTED);
  assert.equal(statusForCode("WORKER_UNAVAILABLE"), Status.UNAVAILABLE);
  assert.equal(statusForCode("UNAUTHENTICATED"), Status.UNAUTHENTICATED);
  assert.equal(statusForCode("PATH_VIOLATION"), Status.PERMISSION_DENIED);
  assert.equal(statusForCode("TIMEOUT"), Status.DEADLINE_EXCEEDED);
  assert.equal(statusForCode("NOT_FOUND"), Status.NOT_FOUND);
});

Deno.test("fromServiceError() words an unreachable peer as the caller says, else as a worker", () => {
  const details = "No connection established";
  const worded = fromServiceError(
    { code: Status.UNAVAILABLE, details },
    { unreachable: (detail) => `Coordinator unreachable at "c:1": ${detail}` },
  );
  assert.equal(worded.message, 'Coordinator unreachable at "c:1": No connection established');
  assert.equal(worded.code, "WORKER_UNAVAILABLE");
  assert.equal(worded.retriable, true);
  // a status that carries a project code keeps its own message
  const coded = fromServiceError(
    { code: Status.UNAVAILABLE, details: "WORKER_UNAVAILABLE: draining" },
    { unreachable: () => "never" },
  );
  assert.equal(coded.message, "draining");
});
