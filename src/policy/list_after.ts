import { utf8Length } from "../core/mod.ts";
import { quotePath } from "./paths.ts";

/**
 * Checks fs.list's `after`: any name a directory entry could have, so not empty, no `/`, no
 * NUL, at most `maxBytes` UTF-8 bytes. Returns why it is refused (the detail of an
 * INVALID_ARGUMENT answer), or undefined when it is accepted. Nothing else is refused:
 * `after` is only compared with names, never joined into a path, and a directory may hold
 * names no path argument may contain (backslashes, control characters, over 255 bytes), so a
 * listing must be able to go on after any of them. Coordinator and worker both check with
 * this, so they agree.
 */
export function checkListAfter(after: string, maxBytes: number): string | undefined {
  // arguments may arrive from JSON: a non-string must not reach the string methods below
  if (typeof after !== "string") return `after ${quotePath(after)} is not a string`;
  const reason = after === ""
    ? "it is empty"
    : after.includes("/")
    ? "it contains /"
    : after.includes("\0")
    ? "it contains NUL"
    : utf8Length(after) > maxBytes
    ? `it is longer than ${maxBytes} bytes`
    : undefined;
  return reason === undefined ? undefined : `after ${quotePath(after)} is not a name: ${reason}`;
}
