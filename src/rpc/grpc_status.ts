import { Metadata, type ServiceError, status as Status } from "@grpc/grpc-js";
import { CodegenError, type ErrorCode, isErrorCode } from "../core/mod.ts";

/** The gRPC status a project error travels as. */
const TO_STATUS: Record<ErrorCode, Status> = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  PATH_VIOLATION: Status.PERMISSION_DENIED,
  NOT_FOUND: Status.NOT_FOUND,
  ALREADY_EXISTS: Status.ALREADY_EXISTS,
  TOO_LARGE: Status.OUT_OF_RANGE,
  LIMIT_EXCEEDED: Status.RESOURCE_EXHAUSTED,
  TIMEOUT: Status.DEADLINE_EXCEEDED,
  CANCELLED: Status.CANCELLED,
  WORKER_UNAVAILABLE: Status.UNAVAILABLE,
  SANDBOX_UNAVAILABLE: Status.FAILED_PRECONDITION,
  UNAUTHENTICATED: Status.UNAUTHENTICATED,
  PERMISSION_DENIED: Status.PERMISSION_DENIED,
  SESSION_EXPIRED: Status.FAILED_PRECONDITION,
  CONFIG_INVALID: Status.FAILED_PRECONDITION,
  INTERNAL: Status.INTERNAL,
};

/**
 * The project error for a status that carries no project code (raised by gRPC itself):
 * lost connections, deadlines and cancellations mean the worker could not be reached.
 */
const FROM_STATUS: Record<Status, { code: ErrorCode; retriable: boolean }> = {
  [Status.OK]: { code: "INTERNAL", retriable: false },
  [Status.CANCELLED]: { code: "WORKER_UNAVAILABLE", retriable: true },
  [Status.UNKNOWN]: { code: "INTERNAL", retriable: false },
  [Status.INVALID_ARGUMENT]: { code: "INVALID_ARGUMENT", retriable: false },
  [Status.DEADLINE_EXCEEDED]: { code: "WORKER_UNAVAILABLE", retriable: true },
  [Status.NOT_FOUND]: { code: "NOT_FOUND", retriable: false },
  [Status.ALREADY_EXISTS]: { code: "ALREADY_EXISTS", retriable: false },
  [Status.PERMISSION_DENIED]: { code: "PERMISSION_DENIED", retriable: false },
  [Status.RESOURCE_EXHAUSTED]: { code: "LIMIT_EXCEEDED", retriable: false },
  [Status.FAILED_PRECONDITION]: { code: "INTERNAL", retriable: false },
  [Status.ABORTED]: { code: "WORKER_UNAVAILABLE", retriable: true },
  [Status.OUT_OF_RANGE]: { code: "INVALID_ARGUMENT", retriable: false },
  [Status.UNIMPLEMENTED]: { code: "INTERNAL", retriable: false },
  [Status.INTERNAL]: { code: "INTERNAL", retriable: false },
  [Status.UNAVAILABLE]: { code: "WORKER_UNAVAILABLE", retriable: true },
  [Status.DATA_LOSS]: { code: "INTERNAL", retriable: false },
  [Status.UNAUTHENTICATED]: { code: "UNAUTHENTICATED", retriable: false },
};

/**
 * Trailing metadata of a status from a worker leaving on purpose (draining, shutting down):
 * the status alone (UNAVAILABLE) reads the same as a lost worker.
 */
const WORKER_LEAVING_KEY = "codegen-worker-leaving";

/** The gRPC status for a project error code. */
export function statusForCode(code: ErrorCode): Status {
  return TO_STATUS[code];
}

/**
 * The error a server handler reports: status from the table, details `CODE: message`, and
 * a worker leaving on purpose marked in the trailing metadata.
 */
export function toServiceError(err: unknown): Partial<ServiceError> & { code: Status } {
  const e = CodegenError.from(err);
  const status = {
    code: TO_STATUS[e.code],
    details: `${e.code}: ${e.message}`,
    message: e.message,
  };
  if (!e.workerLeaving) return status;
  const metadata = new Metadata();
  metadata.set(WORKER_LEAVING_KEY, "1");
  return { ...status, metadata };
}

/** Options for {@link fromServiceError}. */
export interface FromServiceErrorOptions {
  /**
   * The message for a peer gRPC could not reach, given gRPC's own text; default
   * `Worker unreachable: <text>` (the coordinator calling a worker).
   */
  unreachable?: (detail: string) => string;
}

/**
 * A failed call's status as a project error; details `CODE: message` keep the exact code,
 * the trailing mark whether the worker is leaving on purpose.
 */
export function fromServiceError(
  err: { code?: number; details?: string; metadata?: Metadata } | unknown,
  options: FromServiceErrorOptions = {},
): CodegenError {
  const { code, details, metadata } = (err ?? {}) as {
    code?: number;
    details?: string;
    metadata?: unknown;
  };
  const text = withoutEmptyNote(details ?? (err instanceof Error ? err.message : String(err)));
  const match = /^([A-Z_]+): ([\s\S]*)$/.exec(text);
  if (match && isErrorCode(match[1]!)) {
    const c = match[1];
    const unavailable = c === "WORKER_UNAVAILABLE";
    return new CodegenError(c, match[2]!, {
      retriable: unavailable,
      workerLeaving: unavailable && markedLeaving(metadata),
      cause: err,
    });
  }
  const mapped = typeof code === "number" && code in FROM_STATUS
    ? FROM_STATUS[code as Status]
    : FROM_STATUS[Status.UNKNOWN];
  const unreachable = options.unreachable ?? ((detail: string) => `Worker unreachable: ${detail}`);
  const message = mapped.code === "WORKER_UNAVAILABLE" ? unreachable(text) : text;
  return new CodegenError(mapped.code, message, { retriable: mapped.retriable, cause: err });
}

/**
 * `text` without the "Resolution note:" grpc-js ends a failed dial's message with, empty
 * for an address it was given: noise in a message a user reads.
 */
export function withoutEmptyNote(text: string): string {
  return text.replace(/\.?\s*Resolution note:\s*$/, "");
}

function markedLeaving(metadata: unknown): boolean {
  return metadata instanceof Metadata && metadata.get(WORKER_LEAVING_KEY)[0] === "1";
}
