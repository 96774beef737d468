/**
 * A small, safe XML reader for the subset pytest's JUnit report uses: elements, quoted
 * attributes, text, CDATA, comments and the XML declaration. Document type declarations
 * are refused outright, so no entity (internal or external) is ever expanded; only the five
 * predefined entities and numeric character references are decoded. Nesting depth and the
 * number of elements are bounded, so no input can build more than a bounded tree.
 * @module
 */

/** One element with its attributes, child elements and concatenated text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** The parsed root, or why the input was refused (`tooLarge`: over {@link MAX_ELEMENTS}). */
export type XmlParse =
  | { ok: true; root: XmlElement }
  | { ok: false; reason: string; tooLarge?: true };

/** Most elements a document may hold: past it, parsing stops and the input is refused. */
export const MAX_ELEMENTS = 100_000;
const MAX_DEPTH = 32;
const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const ATTR = /\s+([A-Za-z_:][A-Za-z0-9_:.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Parses a whole document; anything outside the subset is refused, never guessed. */
export function parseXml(input: string): XmlParse {
  try {
    return { ok: true, root: new Reader(input).document() };
  } catch (err) {
    if (err instanceof XmlLimitError) return { ok: false, reason: err.message, tooLarge: true };
    if (err instanceof XmlSyntaxError) return { ok: false, reason: err.message };
    throw err;
  }
}

class XmlSyntaxError extends Error {}
class XmlLimitError extends XmlSyntaxError {}

class Reader {
  #s: string;
  #i = 0;
  #elements = 0;

  constructor(input: string) {
    this.#s = input;
  }

  document(): XmlElement {
    this.#skipMisc();
    const root = this.#element(0);
    this.#skipMisc();
    if (this.#i < this.#s.length) this.#fail("content after the root element");
    return root;
  }

  #skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.#s[this.#i] ?? "")) this.#i++;
      if (this.#s.startsWith("<?", this.#i)) this.#skipPast("?>");
      else if (this.#s.startsWith("<!--", this.#i)) this.#skipPast("-->");
      else if (this.#s.startsWith("<!", this.#i)) this.#fail("declarations are not allowed");
      else return;
    }
  }

  #element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) this.#fail("elements nest too deeply");
    if (++this.#elements > MAX_ELEMENTS) {
      throw new XmlLimitError(`more than ${MAX_ELEMENTS} elements (at offset ${this.#i})`);
    }
    if (this.#s[this.#i] !== "<") this.#fail("expected an element");
    this.#i++;
    const name = this.#name();
    const el: XmlElement = { name, attrs: {}, children: [], text: "" };
    for (;;) {
      ATTR.lastIndex = this.#i;
      const m = ATTR.exec(this.#s);
      if (!m) break;
      el.attrs[m[1] as string] = decode(m[2] ?? m[3] ?? "", this);
      this.#i = ATTR.lastIndex;
    }
    while (/\s/.test(this.#s[this.#i] ?? "")) this.#i++;
    if (this.#s.startsWith("/>", this.#i)) {
      this.#i += 2;
      return el;
    }
    if (this.#s[this.#i] !== ">") this.#fail(`malformed tag <${name}>`);
    this.#i++;
    this.#content(el, depth);
    return el;
  }

  #content(el: XmlElement, depth: number): void {
    const text: string[] = [];
    for (;;) {
      const lt = this.#s.indexOf("<", this.#i);
      if (lt < 0) this.#fail(`<${el.name}> is not closed`);
      text.push(decode(this.#s.slice(this.#i, lt), this));
      this.#i = lt;
      if (this.#s.startsWith("</", lt)) {
        this.#i += 2;
        if (this.#name() !== el.name) this.#fail(`mismatched closing tag for <${el.name}>`);
        while (/\s/.test(this.#s[this.#i] ?? "")) this.#i++;
        if (this.#s[this.#i++] !== ">") this.#fail(`malformed closing tag for <${el.name}>`);
        el.text = text.join("");
        return;
      }
      if (this.#s.startsWith("<![CDATA[", lt)) {
        const end = this.#s.indexOf("]]>", lt);
        if (end < 0) this.#fail("CDATA section is not closed");
        text.push(this.#s.slice(lt + 9, end));
        this.#i = end + 3;
      } else if (this.#s.startsWith("<!--", lt)) {
        this.#skipPast("-->");
      } else if (this.#s.startsWith("<!", lt) || this.#s.startsWith("<?", lt)) {
        this.#fail("declarations are not allowed inside elements");
      } else {
        el.children.push(this.#element(depth + 1));
      }
    }
  }

  #name(): string {
    NAME.lastIndex = this.#i;
    const m = NAME.exec(this.#s);
    if (!m) this.#fail("expected a name");
    this.#i = NAME.lastIndex;
    return m[0];
  }

  #skipPast(end: string): void {
    const at = this.#s.indexOf(end, this.#i);
    if (at < 0) this.#fail(`missing "${end}"`);
    this.#i = at + end.length;
  }

  fail(message: string): never {
    return this.#fail(message);
  }

  #fail(message: string): never {
    throw new XmlSyntaxError(`${message} (at offset ${this.#i})`);
  }
}

function decode(raw: string, reader: Reader): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&\s]{0,10});?/g, (whole, ref: string) => {
    if (!whole.endsWith(";")) return reader.fail("bare & in text");
    if (ref in PREDEFINED) return PREDEFINED[ref] as string;
    const code = ref.startsWith("#x")
      ? parseInt(ref.slice(2), 16)
      : ref.startsWith("#")
      ? parseInt(ref.slice(1), 10)
      : NaN;
    if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) {
      return reader.fail(`unknown entity &${ref};`);
    }
    return String.fromCodePoint(code);
  });
}
