import { carriedBytes, digestArguments } from "../audit/mod.ts";
import { CodegenError, formatDuration, getLogger } from "../core/mod.ts";
import {
  currentTraceId,
  injectTraceparent,
  taskKillReason,
  type ToolSpan,
  withRpcSpan,
  withToolSpan,
} from "../observability/mod.ts";
import type {
  ExecuteOptions,
  TaskError,
  TaskEvent,
  TaskOutcome,
  TaskRequest,
  TaskTool,
} from "../rpc/mod.ts";
import type { Session } from "../session/mod.ts";
import type { ConnectionInfo, McpDeps } from "./context.ts";
import { auditFailure, auditRefusal, noteAppend, unrecorded } from "./audit_gate.ts";
import { heldArgumentBytes } from "./argument_budget.ts";
import { answerToResult, type CallAnswer, type ToolReply } from "./results.ts";
import type {
  CallToolResult,
  McpServer,
  RequestHandlerExtra,
  ServerNotification,
  ServerRequest,
} from "./sdk.ts";

const log = getLogger("mcp");

/** The SDK's per-request extra. */
export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Codes that mean the request was refused by policy rather than failing while running. */
const DENIED_CODES = new Set([
  "PATH_VIOLATION",
  "PERMISSION_DENIED",
  "UNAUTHENTICATED",
  "LIMIT_EXCEEDED",
]);

/** What a tool handler can do during one call. */
export class ToolCall {
  readonly deps: McpDeps;
  readonly conn: ConnectionInfo;
  readonly tool: string;
  readonly extra: Extra;
  readonly server: McpServer;
  /**
   * A background run (`async: true`): the request that started it is over, so its worker
   * streams no events (output, progress) that nobody waits for.
   */
  readonly background: boolean;
  /** Bytes of file data returned (for the audit record). */
  bytesOut = 0;
  #notice: string | undefined;
  #session: Promise<Session> | undefined;

  constructor(
    init: {
      deps: McpDeps;
      conn: ConnectionInfo;
      tool: string;
      extra: Extra;
      server: McpServer;
      background?: boolean;
    },
  ) {
    this.deps = init.deps;
    this.conn = init.conn;
    this.tool = init.tool;
    this.extra = init.extra;
    this.server = init.server;
    this.background = init.background === true;
  }

  /** The caller's session (created on first use); looked up (and touched) once per call. */
  session(): Promise<Session> {
    return this.#session ??= this.deps.sessions.forConnection(
      this.conn.sessionId,
      this.conn.principal,
    );
  }

  /** A note added to the result (e.g. the session moved to another worker). */
  get notice(): string | undefined {
    return this.#notice;
  }

  /**
   * Takes the note that the connection's previous session ended without it (expired, or
   * lost), once per connection: only a call whose result shows it should take it.
   */
  takeReplacedNote(sessionId: string): string | undefined {
    const old = this.deps.sessions.takeReplaced(this.conn.sessionId);
    if (!old) return undefined;
    const why = old.reason === "expired"
      ? `expired after ${formatDuration(this.deps.config.sessionMaxAgeMs)} without use`
      : "was lost (the session store no longer had it)";
    return `Session "${old.id}" ${why} and its files were removed; this is a new, empty ` +
      `session "${sessionId}"`;
  }

  /** Runs a task on the session's worker, streaming its events to the client. */
  async execute<K extends TaskTool>(
    task: Extract<TaskRequest, { tool: K }>,
    options: { signal?: AbortSignal; onEvent?: (e: TaskEvent) => void } = {},
  ): Promise<TaskOutcome<K>> {
    const session = await this.session();
    const route = await this.deps.router.route(session);
    if (route.placed) {
      await this.deps.sessions.update(route.session);
      this.#session = Promise.resolve(route.session);
      if (route.session.rehomedFrom) this.#notice = movedNotice(route);
    }
    const outcome = await withRpcSpan("ExecuteTask", () => {
      const onEvent = options.onEvent ?? (this.background ? undefined : (e) => this.forward(e));
      const exec: ExecuteOptions = {
        signal: options.signal ?? this.extra.signal,
        ...(onEvent ? { onEvent } : {}),
      };
      const traceparent = injectTraceparent();
      if (traceparent) exec.traceparent = traceparent;
      const run = () => route.client.execute(route.session.id, task, exec);
      return this.deps.inFlight ? this.deps.inFlight.track(run) : run();
    }, { failureOf: (o) => o.ok ? undefined : o.error.code }) as TaskOutcome<K>;
    // a remote worker counts its own kills; the coordinator's counter is its embedded ones'
    if (this.deps.router.isLocal(route.client.workerId)) {
      const kill = taskKillReason(outcome);
      if (kill) this.deps.onSandboxKill?.(kill);
    }
    if (!outcome.ok && outcome.error.code === "WORKER_UNAVAILABLE") {
      await this.#leave(route.session, route.client.workerId, outcome.error);
    }
    return outcome;
  }

  // The session's worker answered WORKER_UNAVAILABLE: the next call places it elsewhere
  // (the router tells a worker leaving on purpose from a lost one), unless the router keeps
  // it there (a missed answer deadline on a live connection). A call that started before
  // the session moved changes nothing: the session is no longer on that worker.
  async #leave(session: Session, workerId: string, error: TaskError): Promise<void> {
    const current = await this.deps.sessions.get(session.id);
    if (current?.workerId !== workerId) return;
    if (!this.deps.router.unavailable(current, error)) return;
    const orphaned = { ...current, workerId: undefined, rehomedFrom: workerId };
    await this.deps.sessions.update(orphaned);
    this.#session = Promise.resolve(orphaned);
  }

  /** Sends a worker event to the client as a progress or logging notification. */
  forward(event: TaskEvent): void {
    const token = this.extra._meta?.progressToken;
    const send = (p: Promise<void>) => p.catch(() => {}); // the client may have gone
    if (event.type === "progress") {
      if (token === undefined) return;
      send(this.extra.sendNotification({
        method: "notifications/progress",
        params: {
          progressToken: token,
          progress: event.progress,
          total: event.total,
          message: event.message,
        },
      }));
    } else {
      // the SDK keeps the level logging/setLevel asked for by the transport's session id
      // (none over stdio): without it, an HTTP client's level was never looked up
      const params = { level: event.level, logger: this.tool, data: event.data };
      send(this.server.sendLoggingMessage(params, this.extra.sessionId));
    }
  }
}

function movedNotice(route: { session: Session; client: { workerId: string } }): string {
  const from = route.session.rehomedFrom;
  const to = route.client.workerId;
  return from === to
    ? `Session moved from worker "${from}", which restarted; files written before are lost`
    : `Session moved from worker "${from}", which is gone; ` +
      `files written before are not on the new worker "${to}"`;
}

/** Unwraps a task outcome: the result, or a thrown CodegenError. */
export function unwrap<K extends TaskTool>(
  outcome: TaskOutcome<K>,
): Extract<TaskOutcome<K>, { ok: true }> {
  if (outcome.ok) return outcome as Extract<TaskOutcome<K>, { ok: true }>;
  throw new CodegenError(outcome.error.code, outcome.error.message, {
    retriable: outcome.error.retriable,
  });
}

/**
 * Runs one tool call end to end: the handler, error conversion, and the audit record,
 * which is written before the result is returned (a call that cannot be audited fails).
 */
export async function runToolCall(
  call: ToolCall,
  args: Record<string, unknown>,
  handler: (call: ToolCall) => Promise<ToolReply>,
  options: { readOnly?: boolean; resultHidden?: boolean } = {},
): Promise<CallToolResult> {
  return answerToResult(await answerToolCall(call, args, handler, options));
}

/**
 * Records a call refused before anything ran, as INVALID_ARGUMENT with `message`, and
 * answers it so. Nothing runs, so a failing audit log need not hold it back (`readOnly`).
 * `resultHidden`: the caller answers otherwise (a JSON-RPC error), so a note for the
 * session waits for a result that is shown.
 */
export function refuseToolCall(
  call: ToolCall,
  args: Record<string, unknown>,
  message: string,
  options: { resultHidden?: boolean } = {},
): Promise<CallToolResult> {
  const err = new CodegenError("INVALID_ARGUMENT", message);
  return runToolCall(call, args, () => Promise.reject(err), { readOnly: true, ...options });
}

/**
 * {@link runToolCall}, answering before the result's text is built: what a background
 * task keeps until task.result asks for it.
 */
export function answerToolCall(
  call: ToolCall,
  args: Record<string, unknown>,
  handler: (call: ToolCall) => Promise<ToolReply>,
  options: { readOnly?: boolean; resultHidden?: boolean } = {},
): Promise<CallAnswer> {
  // a use of the session from start to end: it does not expire while the call runs (code
  // may run for longer than SESSION_MAX_AGE), and a connection that closes meanwhile ends
  // its session only after the call stopped touching it
  return call.deps.sessions.inUse(call.conn.sessionId, () =>
    withToolSpan(
      call.tool,
      { principal: call.conn.principal, transport: call.conn.transport },
      (span) =>
        runAudited(call, args, handler, span, {
          readOnly: options.readOnly === true,
          shown: options.resultHidden !== true,
        }),
    ));
}

async function runAudited(
  call: ToolCall,
  args: Record<string, unknown>,
  handler: (call: ToolCall) => Promise<ToolReply>,
  span: ToolSpan,
  options: { readOnly: boolean; shown: boolean },
): Promise<CallAnswer> {
  const { deps } = call;
  const started = deps.clock.monotonic();
  let answer: CallAnswer;
  let decision: "allowed" | "denied" = "allowed";
  let reason: string | undefined;
  let errorCode: string | undefined;
  const failure = options.readOnly ? undefined : auditFailure(deps.audit);
  try {
    if (failure !== undefined) {
      throw auditRefusal(failure);
    }
    // held until the call ends: a call waiting its turn keeps its arguments all along
    const release = deps.arguments?.take(call.conn.sessionId, heldArgumentBytes(args));
    let reply: ToolReply;
    try {
      reply = await handler(call);
    } finally {
      release?.();
    }
    answer = { reply };
    // the code its failure's text starts with (EXIT_CODE:, TIMEOUT:, ...), read without
    // building the text (a run's whole output)
    if (reply.isError) errorCode = reply.errorCode ?? "TOOL_FAILED";
  } catch (err) {
    const e = CodegenError.from(err);
    if (e.code === "INTERNAL") {
      log.error("Tool {tool} failed: {error}", { tool: call.tool, error: e.message });
    }
    if (DENIED_CODES.has(e.code)) {
      decision = "denied";
      reason = e.message;
    }
    errorCode = e.code;
    answer = { error: e };
  }
  // the session is looked up before the answer is finished: a call that never needed it
  // (echo, a refused call) still carries the note a new session brings
  const sessionId = (await call.session().catch(() => undefined))?.id ?? "";
  // a session that just moved or was replaced is told so, whatever the call's outcome;
  // a call whose result is not shown (an unknown tool's) leaves the note for the next
  const replaced = options.shown ? call.takeReplacedNote(sessionId) : undefined;
  const notes = [replaced, call.notice].filter((n) => n !== undefined).join("\n");
  if (notes) answer.notes = notes;
  const durationMs = Math.round((deps.clock.monotonic() - started) * 1000) / 1000;
  let outcome: "ok" | "error" | "denied" = decision === "denied"
    ? "denied"
    : errorCode
    ? "error"
    : "ok";
  try {
    if (sessionId) span.setSessionId(sessionId);
    const traceId = currentTraceId();
    const digested = digestArguments(call.tool, args);
    const bytesIn = carriedBytes(digested);
    await deps.audit.append({
      principal: call.conn.principal,
      session_id: sessionId,
      tool: call.tool,
      arguments: digested,
      decision,
      ...(reason ? { reason } : {}),
      outcome: errorCode ? "error" : "ok",
      ...(errorCode ? { error_code: errorCode } : {}),
      duration_ms: durationMs,
      ...(bytesIn > 0 ? { bytes_in: bytesIn } : {}),
      bytes_out: call.bytesOut,
      ...(traceId ? { trace_id: traceId } : {}),
    });
    noteAppend(deps.audit);
  } catch (err) {
    noteAppend(deps.audit, err);
    log.error("Audit write failed: {error}", { error: String(err) });
    // a call refused for this very reason keeps saying why
    if (failure === undefined) {
      answer = { error: unrecorded(auditFailure(deps.audit) ?? String(err)) };
    }
    outcome = "error";
    errorCode = "INTERNAL";
  }
  // counted once the record is stored (or known lost), so metrics agree with the answer
  deps.onToolCall?.(call.tool, outcome, durationMs);
  span.setOutcome(outcome, errorCode);
  return answer;
}
