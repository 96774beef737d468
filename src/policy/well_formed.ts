import { CodegenError } from "../core/mod.ts";

/**
 * Checks that an argument's text is Unicode: no lone surrogate (half of a UTF-16 pair
 * without its other half, as `"\ud800"` in JSON). Such text has no UTF-8 form, so it
 * could reach a process only altered (U+FFFD in its place) or not at all; a run must
 * refuse it up front rather than fail inside the sandbox or run something else than was
 * sent. Looks into arrays (`args`) and records (`env`, keys and values). Returns why the
 * value is refused (the detail of an INVALID_ARGUMENT answer), or undefined when it is
 * accepted. Coordinator and worker both check with this, so they agree.
 */
export function checkWellFormed(name: string, value: unknown): string | undefined {
  if (typeof value === "string") {
    if (value.isWellFormed()) return undefined;
    const at = loneSurrogateAt(value);
    const unit = value.charCodeAt(at).toString(16).toUpperCase();
    return `Invalid ${name}: a lone surrogate (U+${unit} at index ${at}) is not valid Unicode`;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const refusal = checkWellFormed(`${name}[${i}]`, item);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const refusal = checkWellFormed(`${name} name`, key) ??
        checkWellFormed(`${name}[${JSON.stringify(key)}]`, item);
      if (refusal !== undefined) return refusal;
    }
  }
  return undefined;
}

/**
 * Throws INVALID_ARGUMENT naming the first of `values` (argument name → value) that is
 * not Unicode, as {@link checkWellFormed} finds it; absent values pass.
 */
export function requireWellFormed(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const refusal = checkWellFormed(name, value);
    if (refusal !== undefined) throw new CodegenError("INVALID_ARGUMENT", refusal);
  }
}

/** Index of the first UTF-16 code unit of `text` that is half of no pair. */
function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return i;
  }
  return -1;
}
