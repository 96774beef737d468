/** Stands in for a value the audit log must not hold. */
export const REDACTED = "[redacted]";

/**
 * Option and parameter names that announce a secret value (`pass`, `passphrase` and `pw`
 * only as a whole word part, so `--passes` and `--pwr` are kept).
 */
export const SECRET_NAME =
  /token|secret|pass[_-]?w(or)?d|pass(phrase)?\b|pwd|\bpw\b|jwt|key|auth|credential|bearer|cookie/i;

// `--name=value`, `-name=value` or `NAME=value`: an option (or variable) and its value
const NAMED_VALUE = /^(-{0,2}[A-Za-z0-9_.-]+)=/;
// `--name` or `-name` alone: its value, if it has one, is the next argument
const BARE_OPTION = /^-{1,2}[A-Za-z0-9_.-]+$/;
// a header line given as an argument (`Authorization: Bearer x`, curl's `-H` value; HTTP
// needs no space after the colon), but not a URL's scheme
const HEADER = /^([A-Za-z0-9_.-]+)\s*:(?!\/\/)/;
// an HTTP credential scheme and the credential after it, anywhere in an argument
const SCHEME_CREDENTIAL = /\b(Bearer|Basic|Token)\s+\S+/gi;
// a scheme (and `//`, or `\\` which parsers read alike) then `user:password@` where the
// password may hold anything but white space and `@`
const AMBIGUOUS_USERINFO = /^((?:[a-z][a-z0-9+.-]*:)?(?:\/\/|\\\\)?)[^\s@]*:[^\s@]*@/i;
// a word that is, or may be read as, a URL: `scheme://`, `//host`, or `scheme:...@`
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:)?(?:\/\/|\\\\)|^[a-z][a-z0-9+.-]*:\S*@/i;

/**
 * A URL as the audit log may hold it: scheme, host and path in clear; no `user:password@`;
 * each query parameter keeps its name but not its value (a name without a value is
 * dropped too) and a fragment becomes `#[redacted]`, since index tokens travel there. Text
 * that is not a URL with a host gets the same treatment by its shape.
 */
export function redactUrl(text: string): string {
  if (/\s/.test(text)) return redactWords(text);
  // A password holding `/`, `?` or `#` ends a URL parser's authority early, which would
  // leave it in the path: whatever up to the first `@` holds a `:` is taken for the user
  // part (so is a host with a port whose path has an `@`: better too much gone than a key).
  const url = text.replace(AMBIGUOUS_USERINFO, "$1");
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    if (parsed.host !== "") {
      const query = parsed.search === "" ? "" : redactQuery(parsed.search.slice(1));
      const fragment = parsed.hash === "" ? "" : `#${REDACTED}`;
      return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query}${fragment}`;
    }
  }
  // Not a URL with a host: still drop anything that looks like `user:pass@`, and the
  // values after `?` and `#`.
  const plain = url.replace(/^([^/]*\/\/)?[^/@]*@/, "$1");
  const cut = plain.search(/[?#]/);
  if (cut < 0) return plain;
  const rest = plain.slice(cut + 1);
  if (plain[cut] === "#") return `${plain.slice(0, cut)}#${REDACTED}`;
  const hash = rest.indexOf("#");
  const query = redactQuery(hash < 0 ? rest : rest.slice(0, hash));
  return `${plain.slice(0, cut)}${query}${hash < 0 ? "" : `#${REDACTED}`}`;
}

function redactQuery(query: string): string {
  if (query === "") return "";
  const parts = query.split("&").map((part) => {
    const eq = part.indexOf("=");
    // a part without `=` may be the secret itself (`?s3cret`)
    return eq < 0 ? (part === "" ? "" : REDACTED) : `${part.slice(0, eq)}=${REDACTED}`;
  });
  return `?${parts.join("&")}`;
}

/**
 * Command-line arguments as the audit log may hold them: each kept, except the values of
 * options named like a secret (`--password=x` → `--password=[redacted]`, and in
 * `["--token", "x"]` the `x`, unless it starts with `-`), and URLs, redacted as by
 * {@link redactUrl} (alone or as an option's value); a header line named like a secret
 * (`Authorization: x`) keeps its name only, and a `Bearer` or `Basic` credential is
 * redacted wherever it appears. A list or object entry (which no tool accepts) is
 * redacted whole. A secret given as a plain positional argument, or after a short option
 * such as `-p`, is not recognised.
 */
export function redactArgs(args: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  let secretNext = false;
  for (const arg of args) {
    if (typeof arg !== "string") {
      // a list or object entry is refused by every tool, and may hold anything
      out.push(arg !== null && typeof arg === "object" ? REDACTED : arg);
      secretNext = false;
      continue;
    }
    if (secretNext && !arg.startsWith("-")) {
      out.push(REDACTED);
      secretNext = false;
      continue;
    }
    secretNext = BARE_OPTION.test(arg) && SECRET_NAME.test(arg);
    out.push(redactText(arg));
  }
  return out;
}

/**
 * One string as the audit log may hold it, by the rules {@link redactArgs} applies to each
 * argument (bar the one after a bare secret option): for text of unknown meaning.
 */
export function redactText(arg: string): string {
  const named = NAMED_VALUE.exec(arg);
  if (named) {
    const name = named[1]!;
    if (SECRET_NAME.test(name)) return `${name}=${REDACTED}`;
    return `${name}=${redactValue(arg.slice(named[0].length))}`;
  }
  return redactValue(arg);
}

function redactValue(value: string): string {
  const header = HEADER.exec(value);
  if (header && SECRET_NAME.test(header[1]!)) return `${header[1]}: ${REDACTED}`;
  return redactWords(value.replace(SCHEME_CREDENTIAL, `$1 ${REDACTED}`));
}

// Each URL among the words of a text (it may name several) redacted, the rest kept. Most
// texts hold no URL (every URL_LIKE word has a `:` or a `//` or `\\`): those are not split.
function redactWords(text: string): string {
  if (!text.includes(":") && !text.includes("//") && !text.includes("\\\\")) return text;
  return text.split(/(\s+)/).map((word) => URL_LIKE.test(word) ? redactUrl(word) : word).join("");
}
