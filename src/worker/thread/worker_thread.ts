/**
 * The embedded worker's Deno Worker: hosts a {@link WorkerExecutor} in a thread whose
 * permissions are narrowed to the workspace root (see `workerThreadPermissions`). Started by
 * `spawnWorkerThread`; speaks the messages of ./protocol.ts.
 * @module
 */
import { CodegenError, configureLogging, flushLogs } from "../../core/mod.ts";
import type { TaskEvent } from "../../rpc/mod.ts";
import { WorkerExecutor } from "../executor.ts";
import { probePermission, RingReader, RingWriter } from "../../core/mod.ts";
import type { WorkerThreadMessage, WorkerThreadRequest } from "./protocol.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerThreadRequest>) => void) | null;
  postMessage(message: WorkerThreadMessage): void;
}

const scope = globalThis as unknown as WorkerScope;
let executor: WorkerExecutor | undefined;
const running = new Map<number, AbortController>();
// replies and events go through the ring once `init` has set it up (see link.ts)
let out: RingWriter | undefined;

function send(message: WorkerThreadMessage): void {
  if (out) out.write(JSON.stringify(message));
  else scope.postMessage(message);
}

function need(): WorkerExecutor {
  if (!executor) throw new CodegenError("INTERNAL", "The worker thread was not initialised");
  return executor;
}

async function handle(request: Exclude<WorkerThreadRequest, { type: "cancel" }>) {
  switch (request.type) {
    case "init":
      if (request.logLevel) configureLogging(request.logLevel);
      executor = new WorkerExecutor(request.options);
      return executor.limits();
    case "create":
      return await need().createSession(request.sessionId);
    case "destroy":
      return await need().destroySession(request.sessionId);
    case "execute": {
      const controller = new AbortController();
      if (request.aborted) controller.abort(new CodegenError("CANCELLED", "Task was cancelled"));
      running.set(request.id, controller);
      const onEvent = (event: TaskEvent) => send({ type: "event", id: request.id, event });
      try {
        return await need().execute(request.sessionId, request.task, {
          signal: controller.signal,
          ...(request.events ? { onEvent } : {}),
          ...(request.traceparent ? { traceparent: request.traceparent } : {}),
        });
      } finally {
        running.delete(request.id);
      }
    }
    case "close":
      for (const controller of running.values()) {
        controller.abort(new CodegenError("CANCELLED", "Worker is shutting down"));
      }
      await executor?.close();
      // the parent ends this thread next: log lines still queued for stderr go out first
      return await flushLogs(1_000);
    case "probe":
      return await probePermission(request.op);
  }
}

function dispatch(request: WorkerThreadRequest): void {
  if (request.type === "cancel") {
    const reason = request.reason ?? "Task was cancelled";
    running.get(request.target)?.abort(new CodegenError("CANCELLED", reason));
    return;
  }
  handle(request).then(
    (value) => send({ type: "reply", id: request.id, ok: true, value }),
    (err) => {
      const e = CodegenError.from(err);
      send({
        type: "reply",
        id: request.id,
        ok: false,
        error: { code: e.code, message: e.message, retriable: e.retriable },
      });
    },
  );
}

scope.onmessage = (message) => {
  const request = message.data;
  if (request.type === "init" && !out) {
    out = new RingWriter(request.rings.fromThread);
    // A request that cannot be handled is a bug on the parent's side: rethrown outside the
    // loop it crashes this thread, which the parent sees as an error event.
    new RingReader(request.rings.toThread)
      .run((text) => dispatch(JSON.parse(text) as WorkerThreadRequest))
      .catch((err) =>
        setTimeout(() => {
          throw err;
        })
      );
  }
  dispatch(request);
};
