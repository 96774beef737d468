import { CodegenError } from "../core/mod.ts";
import { ArtifactChange, ArtifactEncoding, Encoding } from "./gen/codegen/v1/tools.ts";
import { LogLevel, LogStream } from "./gen/codegen/v1/worker.ts";
import { WorkerState } from "./gen/codegen/v1/lifecycle.ts";

// Each pair of tables maps the tasks.ts string literal to the proto enum and back; a value
// outside the table is a protocol error (UNSPECIFIED or UNRECOGNIZED from a newer peer).

function reverse<K extends string, V extends number>(table: Record<K, V>): Map<number, K> {
  return new Map(Object.entries(table).map(([k, v]) => [v as number, k as K]));
}

function decoder<K extends string>(name: string, table: Map<number, K>): (value: number) => K {
  return (value) => {
    const found = table.get(value);
    if (found === undefined) {
      throw new CodegenError("INVALID_ARGUMENT", `Bad ${name} "${value}": not a known value`);
    }
    return found;
  };
}

const ENCODING = { "utf-8": Encoding.ENCODING_UTF8, base64: Encoding.ENCODING_BASE64 } as const;
/** `"utf-8" | "base64"` → proto. */
export function encodingToProto(value: keyof typeof ENCODING): Encoding {
  return ENCODING[value];
}
/** Proto → `"utf-8" | "base64"`; throws INVALID_ARGUMENT on an unknown value. */
export const encodingFromProto = decoder("encoding", reverse(ENCODING));

const CHANGE = {
  created: ArtifactChange.ARTIFACT_CHANGE_CREATED,
  modified: ArtifactChange.ARTIFACT_CHANGE_MODIFIED,
} as const;
/** Artifact `change` → proto. */
export function changeToProto(value: keyof typeof CHANGE): ArtifactChange {
  return CHANGE[value];
}
/** Proto → artifact `change`. */
export const changeFromProto = decoder("artifact change", reverse(CHANGE));

const ARTIFACT_ENCODING = {
  text: ArtifactEncoding.ARTIFACT_ENCODING_TEXT,
  base64: ArtifactEncoding.ARTIFACT_ENCODING_BASE64,
} as const;
/** artifact.get `encoding` → proto. */
export function artifactEncodingToProto(value: keyof typeof ARTIFACT_ENCODING): ArtifactEncoding {
  return ARTIFACT_ENCODING[value];
}
/** Proto → artifact.get `encoding`. */
export const artifactEncodingFromProto = decoder("artifact encoding", reverse(ARTIFACT_ENCODING));

const STREAM = {
  stdout: LogStream.LOG_STREAM_STDOUT,
  stderr: LogStream.LOG_STREAM_STDERR,
  system: LogStream.LOG_STREAM_SYSTEM,
} as const;
/** Log event stream → proto. */
export function streamToProto(value: keyof typeof STREAM): LogStream {
  return STREAM[value];
}
/** Proto → log event stream. */
export const streamFromProto = decoder("log stream", reverse(STREAM));

const LEVEL = {
  debug: LogLevel.LOG_LEVEL_DEBUG,
  info: LogLevel.LOG_LEVEL_INFO,
  warning: LogLevel.LOG_LEVEL_WARNING,
  error: LogLevel.LOG_LEVEL_ERROR,
} as const;
/** Log event level → proto. */
export function levelToProto(value: keyof typeof LEVEL): LogLevel {
  return LEVEL[value];
}
/** Proto → log event level. */
export const levelFromProto = decoder("log level", reverse(LEVEL));

const STATE = {
  ready: WorkerState.WORKER_STATE_READY,
  draining: WorkerState.WORKER_STATE_DRAINING,
} as const;
/** Worker state → proto. */
export function stateToProto(value: keyof typeof STATE): WorkerState {
  return STATE[value];
}
/** Proto → worker state. */
export const stateFromProto = decoder("worker state", reverse(STATE));

/** Copies `value` without the keys whose value is `undefined` (exact round trips). */
export function compact<T extends object>(value: T): T {
  // a plain loop: this runs several times on every task, in both processes
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) out[key] = field;
  }
  return out as T;
}

/** Applies `convert` to a value that may be absent. */
export function maybe<A, B>(value: A | undefined, convert: (value: A) => B): B | undefined {
  return value === undefined ? undefined : convert(value);
}
