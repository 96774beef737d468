import assert from "node:assert/strict";
import { parseCommand } from "./command.ts";

const HASH = "a".repeat(64);

Deno.test("parseCommand() reads audit verify FILE with an optional --anchor SEQ:HASH", () => {
  assert.deepEqual(parseCommand(["audit", "verify", "log.jsonl"]), {
    command: "audit-verify",
    file: "log.jsonl",
    anchors: [],
  });
  const anchored = {
    command: "audit-verify",
    file: "log.jsonl",
    anchors: [{ seq: 12, hash: HASH }],
  };
  assert.deepEqual(
    parseCommand(["audit", "verify", "log.jsonl", "--anchor", `12:${HASH}`]),
    anchored,
  );
  assert.deepEqual(parseCommand(["audit", "verify", `--anchor=12:${HASH}`, "log.jsonl"]), anchored);
});

Deno.test("parseCommand() keeps every --anchor of audit verify, in the order given", () => {
  const other = "b".repeat(64);
  assert.deepEqual(
    parseCommand([
      "audit",
      "verify",
      "--anchor",
      `57:${other}`,
      "log.jsonl",
      `--anchor=12:${HASH}`,
    ]),
    {
      command: "audit-verify",
      file: "log.jsonl",
      anchors: [{ seq: 57, hash: other }, { seq: 12, hash: HASH }],
    },
  );
  const second = parseCommand([
    "audit",
    "verify",
    "log.jsonl",
    "--anchor",
    `12:${HASH}`,
    "--anchor",
    "x",
  ]);
  assert.deepEqual(second, {
    command: "error",
    message: 'Cannot use --anchor "x": expected SEQ:HASH (a record\'s seq and hash)',
  });
});

Deno.test("parseCommand() takes the head an empty log logs (seq 0, the chain's start)", () => {
  const start = `0:${"0".repeat(64)}`;
  assert.deepEqual(parseCommand(["audit", "verify", "log.jsonl", "--anchor", start]), {
    command: "audit-verify",
    file: "log.jsonl",
    anchors: [{ seq: 0, hash: "0".repeat(64) }],
  });
});

Deno.test("parseCommand() refuses an audit verify anchor that is not SEQ:HASH", () => {
  for (
    const bad of ["12", `0:${HASH}`, `x:${HASH}`, "12:abc", `12:${HASH.toUpperCase()}`, "00:0"]
  ) {
    const parsed = parseCommand(["audit", "verify", "log.jsonl", "--anchor", bad]);
    assert.equal(parsed.command, "error", bad);
  }
  assert.equal(parseCommand(["audit", "verify", "log.jsonl", "--anchor"]).command, "error");
  assert.equal(parseCommand(["audit", "verify", "a", "b"]).command, "error");
  assert.equal(parseCommand(["audit", "verify"]).command, "error");
});
