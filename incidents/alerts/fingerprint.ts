const encoder = new TextEncoder();
const SEPARATOR = 0xff;
// Printable ASCII hashes its char codes directly; anything else goes through UTF-8 (same bytes for ASCII).
const NON_ASCII = /[^ -~]/;

/**
 * An alert's identity exactly as Alertmanager computes it (prometheus/common model.LabelSet.Fingerprint):
 * FNV-1a 64 over the label names in byte order, each name and value followed by the byte 0xFF,
 * printed as 16 hex digits. The same labels give the same fingerprint whichever way an alert arrives.
 */
export function alertFingerprint(labels: Readonly<Record<string, string>>): string {
  // FNV-1a 64 in two 32-bit halves: the prime is 2^40 + 0x1b3, so hash * prime = hash * 0x1b3 + (low << 40).
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  const add = (byte: number) => {
    low = (low ^ byte) >>> 0;
    const lowProduct = low * 0x1b3;
    high = (high * 0x1b3 + Math.floor(lowProduct / 4294967296) + low * 256) >>> 0;
    low = lowProduct >>> 0;
  };
  const addText = (text: string) => {
    if (NON_ASCII.test(text)) {
      for (const byte of encoder.encode(text)) add(byte);
    } else {
      for (let index = 0; index < text.length; index++) add(text.charCodeAt(index));
    }
    add(SEPARATOR);
  };
  // Label names are ASCII (Alertmanager 0.25 refuses others), where UTF-16 order is byte order.
  const names = Object.keys(labels).sort(compareNames);
  for (const name of names) {
    addText(name);
    addText(labels[name] ?? '');
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

/** Go sorts strings by their UTF-8 bytes; JavaScript by UTF-16 units. They differ only beyond the BMP. */
function compareNames(left: string, right: string): number {
  if (!NON_ASCII.test(left) && !NON_ASCII.test(right)) return left < right ? -1 : left > right ? 1 : 0;
  const a = encoder.encode(left);
  const b = encoder.encode(right);
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
