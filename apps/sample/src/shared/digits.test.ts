import { describe, expect, it } from 'vitest';
import { deadPixels, decodeDigits, encodeDigits, oneHot, pickDigits, PIXELS, takeDigits } from './digits.js';

/** Image `index` of class `digit`: every pixel holds digit / 10 + index / 1000, so a pick can be traced back. */
const fake = (digit: number, index: number) => new Array<number>(PIXELS).fill(digit / 10 + index / 1000);

describe('pickDigits', () => {
  it('takes the same number of every digit from the given range, in a seeded order', () => {
    const d = pickDigits(fake, 5, 3, 1);
    expect(d.count).toBe(30);
    const perClass = new Array<number>(10).fill(0);
    for (let i = 0; i < d.count; i++) {
      const label = d.labels[i]!;
      perClass[label]!++;
      const index = Math.round((d.images[i * PIXELS]! - label / 10) * 1000);
      expect(index).toBeGreaterThanOrEqual(5);
      expect(index).toBeLessThan(8);
    }
    expect(perClass).toEqual(new Array(10).fill(3));
    expect(Array.from(pickDigits(fake, 5, 3, 1).labels)).toEqual(Array.from(d.labels));
    expect(Array.from(pickDigits(fake, 5, 3, 2).labels)).not.toEqual(Array.from(d.labels));
  });
});

describe('oneHot', () => {
  it('makes one row of 10 per label', () => {
    const y = oneHot([2, 0]);
    expect(y.length).toBe(20);
    expect(Array.from(y.slice(0, 10))).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(y.slice(10))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('encodeDigits / decodeDigits', () => {
  it('round-trips labels exactly and pixels to within 1/510', () => {
    const d = takeDigits(pickDigits(fake, 0, 2, 3), 7);
    expect(d.count).toBe(7);
    const bytes = encodeDigits(d);
    expect(bytes.byteLength).toBe(4 + 7 + 7 * PIXELS);
    const back = decodeDigits(bytes);
    expect(back.count).toBe(7);
    expect(Array.from(back.labels)).toEqual(Array.from(d.labels));
    for (let i = 0; i < d.images.length; i++) expect(Math.abs(back.images[i]! - d.images[i]!)).toBeLessThanOrEqual(1 / 510 + 1e-7);
  });

  it('rejects a truncated file', () => {
    expect(() => decodeDigits(encodeDigits(pickDigits(fake, 0, 1, 1)).slice(0, 100))).toThrow(/do not hold/);
  });
});

describe('deadPixels', () => {
  it('counts the pixels that are 0 in every image', () => {
    const images = new Float32Array(3 * PIXELS);
    images[0] = 0.5; // pixel 0 lit in image 0
    images[PIXELS + 0] = 0.2; // and in image 1
    images[2 * PIXELS + 783] = 1; // pixel 783 lit in image 2
    images[PIXELS + 10] = 0.1; // pixel 10 lit in image 1
    expect(deadPixels({ count: 3, images, labels: new Uint8Array(3) })).toBe(784 - 3);
  });
});
