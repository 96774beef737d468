/** Stable error codes every layer reports; the text of an `isError` result starts with one. */
export const ERROR_CODES = [
  "INVALID_ARGUMENT",
  "PATH_VIOLATION",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "TOO_LARGE",
  "LIMIT_EXCEEDED",
  "TIMEOUT",
  "CANCELLED",
  "WORKER_UNAVAILABLE",
  "SANDBOX_UNAVAILABLE",
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "SESSION_EXPIRED",
  "CONFIG_INVALID",
  "INTERNAL",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** Options for {@link CodegenError}. */
export interface CodegenErrorOptions {
  /** Whether the same call may succeed if retried (e.g. on another worker). Default false. */
  retriable?: boolean;
  /** The original error, kept for logs. */
  cause?: unknown;
  /**
   * With WORKER_UNAVAILABLE: the worker is leaving on purpose (draining, shutting down), so
   * the caller moves the session on without evicting the worker, whose other tasks may
   * still be finishing. Unset, WORKER_UNAVAILABLE means the worker was lost. Default false.
   */
  workerLeaving?: boolean;
}

/** The one error type of the project: a stable `code`, a message, and `retriable`. */
export class CodegenError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  /** See {@link CodegenErrorOptions.workerLeaving}. */
  readonly workerLeaving: boolean;

  constructor(code: ErrorCode, message: string, options: CodegenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodegenError";
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.workerLeaving = options.workerLeaving ?? false;
  }

  /**
   * The error as plain data, the form it crosses a process boundary in (a task's error):
   * `worker_leaving` only when set.
   */
  toPlain(): { code: ErrorCode; message: string; retriable: boolean; worker_leaving?: true } {
    const { code, message, retriable } = this;
    return this.workerLeaving
      ? { code, message, retriable, worker_leaving: true }
      : { code, message, retriable };
  }

  /** `CODE: message`, the form clients see. */
  override toString(): string {
    return `${this.code}: ${this.message}`;
  }

  /**
   * Converts any thrown value once, at an I/O edge; a `CodegenError` passes through. A full
   * disk or quota (ENOSPC, EDQUOT) is LIMIT_EXCEEDED, naming `options.disk` (default "the
   * disk") and not the OS message, which may hold a host path.
   */
  static from(
    err: unknown,
    code: ErrorCode = "INTERNAL",
    options: { disk?: string } = {},
  ): CodegenError {
    if (err instanceof CodegenError) return err;
    if (err instanceof Deno.errors.NotFound) {
      return new CodegenError("NOT_FOUND", err.message, { cause: err });
    }
    if (err instanceof Deno.errors.AlreadyExists) {
      return new CodegenError("ALREADY_EXISTS", err.message, { cause: err });
    }
    const full = diskFull(err);
    if (full !== undefined) {
      const disk = options.disk ?? "the disk";
      const message = full === "EDQUOT"
        ? `Disk quota exceeded on ${disk}: delete files to make room`
        : `No space left on ${disk}: delete files to make room`;
      return new CodegenError("LIMIT_EXCEEDED", message, { cause: err });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new CodegenError(code, message, { cause: err });
  }
}

// Deno's errors carry the errno name in `code`; the message's "(os error N)" covers the rest
function diskFull(err: unknown): "ENOSPC" | "EDQUOT" | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (code === "ENOSPC" || /\(os error 28\)/.test(err.message)) return "ENOSPC";
  if (code === "EDQUOT" || /\(os error 122\)/.test(err.message)) return "EDQUOT";
  return undefined;
}

/** Whether `value` is a known error code (used when codes cross a process boundary). */
export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}
