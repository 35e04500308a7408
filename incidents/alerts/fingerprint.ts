const encoder = new TextEncoder();
const SEPARATOR = 0xff;

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
    low ^= byte;
    const lowProduct = (low >>> 0) * 0x1b3;
    const carry = Math.floor(lowProduct / 4294967296);
    high = (high * 0x1b3 + carry + (low >>> 0) * 256) >>> 0;
    low = lowProduct >>> 0;
  };
  const names = Object.keys(labels).sort(compareBytes);
  for (const name of names) {
    for (const byte of encoder.encode(name)) add(byte);
    add(SEPARATOR);
    for (const byte of encoder.encode(labels[name] ?? '')) add(byte);
    add(SEPARATOR);
  }
  return high.toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/** Go sorts strings by their UTF-8 bytes; JavaScript by UTF-16 units. They differ only beyond the BMP. */
function compareBytes(left: string, right: string): number {
  if (left === right) return 0;
  const a = encoder.encode(left);
  const b = encoder.encode(right);
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
