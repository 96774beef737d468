import type { AuditEvent } from "./event.ts";

/** Where audit records go. `append` resolves once the record is stored, in call order. */
export interface AuditSink {
  append(event: AuditEvent): Promise<void>;
  /** Waits for pending appends, then releases the store; later appends reject. */
  close(): Promise<void>;
}
