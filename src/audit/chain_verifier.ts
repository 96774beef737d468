import { type ChainHead, EMPTY_HEAD } from "./chain.ts";
import { parseRecordLine } from "./record_shape.ts";

/**
 * Why a line breaks the chain. `skipped` is set when its `seq` jumps past the one expected:
 * records are missing there, or out of order (the reader can look further on to tell).
 */
export interface ChainBreak {
  reason: string;
  skipped?: { expected: number; seq: number };
}

/**
 * Checks stored lines one at a time against the chain so far: each must be a canonical,
 * correctly hashed record, carry the next `seq`, and name the previous record's hash as
 * `prev`. Returns why a line breaks the chain, or undefined when it extends it.
 */
export class ChainVerifier {
  #head: ChainHead = EMPTY_HEAD;

  /** How many lines have extended the chain. */
  get records(): number {
    return this.#head.seq;
  }

  /** The last record that extended the chain. */
  get head(): ChainHead {
    return this.#head;
  }

  check(line: string): ChainBreak | undefined {
    const parsed = parseRecordLine(line);
    if (!parsed.ok) return { reason: parsed.reason };
    const { seq, prev, hash } = parsed.record;
    const expected = this.#head.seq + 1;
    if (seq > expected) return { reason: jumpReason(expected, seq), skipped: { expected, seq } };
    if (seq < expected) {
      return {
        reason: `seq goes back from ${
          expected - 1
        } to ${seq}: records are out of order or repeated`,
      };
    }
    if (prev !== this.#head.hash) {
      return {
        reason: expected === 1
          ? "first record does not start from the genesis hash"
          : "prev does not match the previous record's hash: a record was removed or replaced",
      };
    }
    this.#head = { seq, hash };
    return undefined;
  }
}

/**
 * Why `seq` jumped past `expected`: records are missing, or, when the skipped record was
 * found further on at `laterLine`, out of order (two swapped records show as a jump first).
 */
export function jumpReason(expected: number, seq: number, laterLine?: number): string {
  const jump = expected === 1
    ? `log starts at seq ${seq}, not 1`
    : `seq jumps from ${expected - 1} to ${seq}`;
  if (laterLine !== undefined) {
    return `${jump}: records are out of order (record ${expected} is at line ${laterLine})`;
  }
  return expected === 1
    ? `${jump}: records are missing from the start`
    : `${jump}: records are missing before this line`;
}
