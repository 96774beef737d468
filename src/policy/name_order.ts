/**
 * Compares two names (or paths) by Unicode code point, which is also the order of their
 * UTF-8 bytes and of Python's `sorted()`. JavaScript's `<` compares UTF-16 code units, which
 * puts characters above U+FFFF (stored as surrogates, 0xD800-0xDFFF) before U+E000-U+FFFF;
 * fs.list sorts and pages with this order instead, so `after` means the same to every client.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// At the first unit that differs, code point order is code unit order except that
// surrogates rank above U+E000-U+FFFF: move them past it.
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

// A unit from U+D800 up: the only units whose code unit order can differ from code point order
const HIGH_UNIT = /[\uD800-\uFFFF]/;

/**
 * Sorts `names` in place by {@link compareNames} and returns them. When no name has a unit
 * from U+D800 up (the usual case), code unit order is code point order, and the engine's
 * own string sort is faster than a comparator called from script.
 */
export function sortNames(names: string[]): string[] {
  return names.some((name) => HIGH_UNIT.test(name)) ? names.sort(compareNames) : names.sort();
}

/** The index of the first name in `sorted` (sorted by compareNames) that comes after `after`. */
export function firstAfter(sorted: readonly string[], after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareNames(sorted[mid]!, after) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
