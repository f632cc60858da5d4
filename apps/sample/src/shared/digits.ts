/** 28 x 28 grey levels. */
export const PIXELS = 784;
export const CLASSES = 10;

/** Images as rows of 784 values in [0, 1], with their labels 0-9. */
export interface Digits {
  readonly count: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

/** The `index`-th image of class `digit` (784 values in [0, 1]). */
export type DigitSource = (digit: number, index: number) => ArrayLike<number>;

/** A small seeded generator (mulberry32), so every run picks and orders the same digits. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `perClass` images of each digit, indices `start .. start + perClass - 1` within the class, in
 * an order shuffled by `seed`. Two calls with disjoint ranges give disjoint sets (train and
 * validation), each with the same number of every digit.
 */
export function pickDigits(source: DigitSource, start: number, perClass: number, seed: number): Digits {
  const count = perClass * CLASSES;
  const order = Array.from({ length: count }, (_, i) => i);
  const random = mulberry32(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  order.forEach((slot, k) => {
    const digit = k % CLASSES;
    const pixels = source(digit, start + Math.floor(k / CLASSES));
    if (pixels.length !== PIXELS) throw new RangeError(`digit ${digit} #${start + Math.floor(k / CLASSES)} has ${pixels.length} pixels, expected ${PIXELS}.`);
    images.set(pixels, slot * PIXELS);
    labels[slot] = digit;
  });
  return { count, images, labels };
}

/** One row of 10 per label, built here because tfjs-backend-wasm 4.22's oneHot gives zeros for float32. */
export function oneHot(labels: ArrayLike<number>, classes = CLASSES): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]!] = 1;
  return out;
}

/** How many of the 784 pixels are 0 in every image. */
export function deadPixels(d: Digits): number {
  let dead = 0;
  for (let p = 0; p < PIXELS; p++) {
    let zero = true;
    for (let i = 0; i < d.count && zero; i++) zero = d.images[i * PIXELS + p] === 0;
    if (zero) dead++;
  }
  return dead;
}

/** The first `count` digits. */
export function takeDigits(d: Digits, count: number): Digits {
  const n = Math.min(count, d.count);
  return { count: n, images: d.images.subarray(0, n * PIXELS), labels: d.labels.subarray(0, n) };
}

/**
 * A compact form for the web page: a little-endian uint32 count, the labels (one byte each),
 * then the pixels quantized to bytes (value * 255).
 */
export function encodeDigits(d: Digits): Uint8Array {
  const out = new Uint8Array(4 + d.count + d.count * PIXELS);
  new DataView(out.buffer).setUint32(0, d.count, true);
  out.set(d.labels, 4);
  for (let i = 0; i < d.images.length; i++) out[4 + d.count + i] = Math.round(Math.min(1, Math.max(0, d.images[i]!)) * 255);
  return out;
}

export function decodeDigits(bytes: Uint8Array): Digits {
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (bytes.byteLength !== 4 + count * (1 + PIXELS)) throw new RangeError(`decodeDigits: ${bytes.byteLength} bytes do not hold ${count} digits.`);
  const labels = bytes.slice(4, 4 + count);
  const images = new Float32Array(count * PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = bytes[4 + count + i]! / 255;
  return { count, images, labels };
}
