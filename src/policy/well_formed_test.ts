import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import { checkWellFormed, requireWellFormed } from "./mod.ts";

Deno.test("checkWellFormed() accepts Unicode text, surrogate pairs included", () => {
  for (const value of ["", "print(1)", "é\u{1F600}x", ["a", "\u{10FFFF}"], { K: "v\u{1F600}" }]) {
    assert.equal(checkWellFormed("code", value), undefined, JSON.stringify(value));
  }
  // not text: left to the schema
  assert.equal(checkWellFormed("args", [1, null]), undefined);
});

Deno.test("checkWellFormed() names the argument, the element or key, and where the lone half is", () => {
  const cases: Array<[string, unknown, string]> = [
    ["code", "x='a\ud800b'", "Invalid code: a lone surrogate (U+D800 at index 4)"],
    ["stdin", "\udc00", "Invalid stdin: a lone surrogate (U+DC00 at index 0)"],
    // a high half followed by another high half: the first one is alone
    ["stdin", "\u{1F600}\ud83d\ud83d\ude00", "Invalid stdin: a lone surrogate (U+D83D at index 2)"],
    ["stdin", "ab\ud83d", "Invalid stdin: a lone surrogate (U+D83D at index 2)"],
    ["args", ["ok", "b\udfff"], "Invalid args[1]: a lone surrogate (U+DFFF at index 1)"],
    ["env", { K: "\ud800" }, 'Invalid env["K"]: a lone surrogate (U+D800 at index 0)'],
    ["env", { "K\ud800": "v" }, "Invalid env name: a lone surrogate (U+D800 at index 1)"],
  ];
  for (const [name, value, refusal] of cases) {
    assert.equal(checkWellFormed(name, value), `${refusal} is not valid Unicode`);
  }
});

Deno.test("requireWellFormed() throws INVALID_ARGUMENT for the first argument refused", () => {
  requireWellFormed({ code: "print(1)", args: undefined, env: { K: "v" } });
  assert.throws(
    () => requireWellFormed({ code: "ok", args: ["a", "\ud800"], stdin: "\udc00" }),
    (err: unknown) =>
      err instanceof CodegenError && err.code === "INVALID_ARGUMENT" &&
      err.message.startsWith("Invalid args[1]: a lone surrogate"),
  );
});
