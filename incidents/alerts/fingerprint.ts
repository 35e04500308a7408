const encoder = new TextEncoder();
const SEPARATOR = 0xff;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * An alert's identity exactly as Alertmanager computes it (prometheus/common model.LabelSet.Fingerprint):
 * FNV-1a 64 over the label names in byte order, each name and value followed by the byte 0xFF,
 * printed as 16 hex digits. The same labels give the same fingerprint whichever way an alert arrives.
 */
export function alertFingerprint(labels: Readonly<Record<string, string>>): string {
  const names = sortedNames(labels);
  // FNV-1a 64 in four 16-bit limbs (a lowest), so that every product stays a small integer. The prime is
  // 2^40 + 0x1b3: hash * prime = hash * 0x1b3 + (hash << 40), and hash << 40 moves limbs a and b up to c and d
  // shifted by 8. Each text goes through as UTF-8 (what Go hashes), encoded one UTF-16 unit at a time with
  // no buffer: `bytes` holds the one to four bytes of a character, first byte highest, `count` how many.
  let a = 0x2325;
  let b = 0x8422;
  let c = 0x9ce4;
  let d = 0xcbf2;
  for (let entry = 0; entry < names.length * 2; entry++) {
    const name = names[entry >> 1] ?? '';
    const text = entry & 1 ? (labels[name] ?? '') : name;
    const length = text.length;
    for (let index = 0; index <= length; index++) {
      let bytes = SEPARATOR;
      let count = 1;
      if (index < length) {
        const unit = text.charCodeAt(index);
        if (unit < 0x80) {
          bytes = unit;
        } else if (unit < 0x800) {
          bytes = ((0xc0 | (unit >> 6)) << 8) | (0x80 | (unit & 0x3f));
          count = 2;
        } else {
          const next = text.charCodeAt(index + 1);
          if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
            bytes =
              ((0xf0 | (point >> 18)) << 24) |
              ((0x80 | ((point >> 12) & 0x3f)) << 16) |
              ((0x80 | ((point >> 6) & 0x3f)) << 8) |
              (0x80 | (point & 0x3f));
            count = 4;
            index++;
          } else {
            // A lone surrogate becomes U+FFFD, as TextEncoder writes it.
            const point = unit >= 0xd800 && unit <= 0xdfff ? 0xfffd : unit;
            bytes = ((0xe0 | (point >> 12)) << 16) | ((0x80 | ((point >> 6) & 0x3f)) << 8) | (0x80 | (point & 0x3f));
            count = 3;
          }
        }
      }
      for (let shift = (count - 1) * 8; shift >= 0; shift -= 8) {
        a ^= (bytes >>> shift) & 0xff;
        const productA = a * 0x1b3;
        const productB = b * 0x1b3 + (productA >>> 16);
        const productC = c * 0x1b3 + (productB >>> 16) + (a << 8);
        const productD = d * 0x1b3 + (productC >>> 16) + (b << 8);
        a = productA & 0xffff;
        b = productB & 0xffff;
        c = productC & 0xffff;
        d = productD & 0xffff;
      }
    }
  }
  return hexOf(d) + hexOf(c) + hexOf(b) + hexOf(a);
}

/** Four hex digits from a table: toString(16).padStart() took half the time of the whole fingerprint. */
function hexOf(limb: number): string {
  return (HEX[limb >> 8] ?? '') + (HEX[limb & 0xff] ?? '');
}

/**
 * The names in Go's order (by UTF-8 bytes). Below U+D800 that is JavaScript's order (by UTF-16 units), and
 * label names are ASCII (Alertmanager 0.25 refuses others), usually already sorted by the sender.
 */
function sortedNames(labels: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(labels);
  let sorted = true;
  for (let index = 0; index < names.length; index++) {
    const name = names[index] ?? '';
    for (let position = 0; position < name.length; position++) {
      if (name.charCodeAt(position) >= 0xd800) return names.sort(compareUtf8);
    }
    if (index > 0 && (names[index - 1] ?? '') > name) sorted = false;
  }
  if (sorted) return names;
  return names.length <= 16 ? insertionSorted(names) : names.sort();
}

/**
 * Sorts a few names in place. Array.prototype.sort allocates a work array on every call (seen in the
 * alerts benchmark as a sixth of all memory allocated per request, for five labels sorted twice per
 * alert); an alert has a handful of labels, for which insertion sort is as fast and allocates nothing.
 * (More than 16 go to Array.prototype.sort.)
 */
function insertionSorted(names: string[]): string[] {
  for (let index = 1; index < names.length; index++) {
    const name = names[index] ?? '';
    let position = index - 1;
    while (position >= 0 && (names[position] ?? '') > name) {
      names[position + 1] = names[position] ?? '';
      position--;
    }
    names[position + 1] = name;
  }
  return names;
}

/** Go sorts strings by their UTF-8 bytes; JavaScript by UTF-16 units. They differ from U+D800 on. */
function compareUtf8(left: string, right: string): number {
  const a = encoder.encode(left);
  const b = encoder.encode(right);
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
