/**
 * Validation of PEP 508 environment markers (`python_version >= "3.8" and os_name == "posix"`)
 * by a small recursive-descent parser over a strict token set. Only checks; pip evaluates.
 * @module
 */

const VARIABLES = new Set([
  "python_version",
  "python_full_version",
  "os_name",
  "sys_platform",
  "platform_release",
  "platform_system",
  "platform_version",
  "platform_machine",
  "platform_python_implementation",
  "implementation_name",
  "implementation_version",
  "extra",
]);
const OPERATORS = new Set(["===", "==", "!=", "~=", "<=", ">=", "<", ">", "in", "not in"]);
// Quoted values: printable text without quotes, backslashes or shell metacharacters.
const TOKEN =
  /\s*(?:(\()|(\))|("[A-Za-z0-9 ._*+!,-]*"|'[A-Za-z0-9 ._*+!,-]*')|(===|==|!=|~=|<=|>=|<|>)|(not\s+in\b|in\b|and\b|or\b)|([A-Za-z_][A-Za-z0-9_]*))\s*/y;
const MAX_TOKENS = 64;
const MAX_DEPTH = 8;

type Token = { kind: "(" | ")" | "string" | "op" | "and" | "or" | "var"; text: string };

/** The verdict on a marker. */
export type MarkerCheck = { ok: true } | { ok: false; reason: string };

/** Checks the text after `;` in a requirement. */
export function checkMarker(marker: string): MarkerCheck {
  const tokens = tokenize(marker);
  if (typeof tokens === "string") return { ok: false, reason: tokens };
  if (tokens.length === 0) return { ok: false, reason: "it is empty" };
  const parser = new MarkerParser(tokens);
  const error = parser.parse();
  return error ? { ok: false, reason: error } : { ok: true };
}

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) return `unexpected text at ${JSON.stringify(text.slice(at, at + 20))}`;
    if (tokens.length >= MAX_TOKENS) return "it is too long";
    if (m[1]) tokens.push({ kind: "(", text: "(" });
    else if (m[2]) tokens.push({ kind: ")", text: ")" });
    else if (m[3]) tokens.push({ kind: "string", text: m[3] });
    else if (m[4]) tokens.push({ kind: "op", text: m[4] });
    else if (m[5]) {
      const word = m[5].replace(/\s+/g, " ");
      if (word === "and" || word === "or") tokens.push({ kind: word, text: word });
      else tokens.push({ kind: "op", text: word });
    } else if (m[6]) {
      if (!VARIABLES.has(m[6])) return `unknown marker variable "${m[6]}"`;
      tokens.push({ kind: "var", text: m[6] });
    } else if (m[0].length === 0) {
      return "unexpected end";
    }
  }
  return tokens;
}

class MarkerParser {
  #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  /** Returns an error message, or undefined when the whole marker parsed. */
  parse(): string | undefined {
    const error = this.#or(0);
    if (error) return error;
    if (this.#pos < this.#tokens.length) return `unexpected "${this.#tokens[this.#pos]?.text}"`;
    return undefined;
  }

  #or(depth: number): string | undefined {
    if (depth > MAX_DEPTH) return "it nests too deeply";
    let error = this.#and(depth);
    while (!error && this.#peek()?.kind === "or") {
      this.#pos++;
      error = this.#and(depth);
    }
    return error;
  }

  #and(depth: number): string | undefined {
    let error = this.#atom(depth);
    while (!error && this.#peek()?.kind === "and") {
      this.#pos++;
      error = this.#atom(depth);
    }
    return error;
  }

  #atom(depth: number): string | undefined {
    const first = this.#tokens[this.#pos++];
    if (!first) return "it ends too early";
    if (first.kind === "(") {
      const error = this.#or(depth + 1);
      if (error) return error;
      if (this.#tokens[this.#pos++]?.kind !== ")") return "a parenthesis is not closed";
      return undefined;
    }
    const op = this.#tokens[this.#pos++];
    const second = this.#tokens[this.#pos++];
    if (!isValue(first) || op?.kind !== "op" || !OPERATORS.has(op.text) || !isValue(second)) {
      return 'expected a comparison like python_version >= "3.8"';
    }
    return undefined;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#pos];
  }
}

function isValue(token: Token | undefined): boolean {
  return token?.kind === "var" || token?.kind === "string";
}
