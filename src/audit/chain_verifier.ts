import { type ChainHead, EMPTY_HEAD } from "./chain.ts";
import { parseRecordLine } from "./record_shape.ts";

/**
 * Checks stored lines one at a time against the chain so far: each must hash correctly,
 * carry the next `seq`, and name the previous record's hash as `prev`. Returns why a line
 * breaks the chain, or undefined when it extends it.
 */
export class ChainVerifier {
  #head: ChainHead = EMPTY_HEAD;

  /** How many lines have extended the chain. */
  get records(): number {
    return this.#head.seq;
  }

  check(line: string): string | undefined {
    const parsed = parseRecordLine(line);
    if (!parsed.ok) return parsed.reason;
    const { seq, prev, hash } = parsed.record;
    const expected = this.#head.seq + 1;
    if (seq !== expected) return seqReason(expected, seq);
    if (prev !== this.#head.hash) {
      return expected === 1
        ? "first record does not start from the genesis hash"
        : "prev does not match the previous record's hash: a record was removed or replaced";
    }
    this.#head = { seq, hash };
    return undefined;
  }
}

function seqReason(expected: number, seq: number): string {
  if (expected === 1) return `log starts at seq ${seq}, not 1: records are missing from the start`;
  if (seq > expected) {
    return `seq jumps from ${expected - 1} to ${seq}: records are missing before this line`;
  }
  return `seq goes back from ${expected - 1} to ${seq}: records are out of order or repeated`;
}
