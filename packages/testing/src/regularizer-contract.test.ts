import { registry, type FactoryEntry, type JsonObject, type Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { square, valued } from '../test/doubles.js';
import { ContractError, DEFAULT_SAMPLES, runRegularizerContract } from './index.js';

const factorOf = (c: JsonObject | undefined): number => (typeof c?.['factor'] === 'number' ? c['factor'] : 0.5);

const ENTRIES: FactoryEntry<'regularizer'>[] = [
  { kind: 'regularizer', name: 'kit>Square', aliases: ['kitSquare'], package: 'kit', create: (c) => square({ factor: factorOf(c) }) },
  // Ignores the config it is given, so a rebuilt object forgets its factor.
  { kind: 'regularizer', name: 'kit>Forgetful', package: 'kit', create: () => square({ className: 'kit>Forgetful' }) },
  { kind: 'regularizer', name: 'kit>Negative', package: 'kit', create: () => ({ ...square(), className: 'kit>Negative' }) },
];

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const e of ENTRIES) registry('regularizer').register(e);
});

afterAll(() => {
  for (const e of ENTRIES) registry('regularizer').unregister(e.name);
});

async function failure(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => new Error('expected a ContractError, the contract passed'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractError);
  return (error as Error).message;
}

describe('runRegularizerContract', () => {
  it('passes a regularizer that keeps the contract, and says which checks ran', async () => {
    const before = tf.memory().numTensors;
    const report = await runRegularizerContract(() => square({ factor: 0.25 }), { names: ['kitSquare'] });
    expect(report.className).toBe('kit>Square');
    expect(report.checks).toEqual([
      'config round trip',
      "resolves as 'kit>Square'",
      "resolves as 'kitSquare'",
      'gradient on sample 0',
      'gradient on sample 1',
      'non-negative',
      'no tensor leak on sample 0',
      'no tensor leak on sample 1',
    ]);
    // the default samples it made are disposed again
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses the samples it is given, and the gradient tolerances', async () => {
    const samples = [tf.tensor1d([0.5, -2, 3])];
    const report = await runRegularizerContract(() => square({ analytic: 0.95 }), { samples, gradient: { rtol: 0.1 } });
    expect(report.checks).toContain('gradient on sample 0');
    expect(report.checks).not.toContain('gradient on sample 1');
    expect(samples[0]!.isDisposed).toBe(false);
    tf.dispose(samples);
  });

  it('the default samples have no zero entry and no two rows or columns parallel or orthogonal', () => {
    const cosines = (vs: number[][]): number[] =>
      vs.flatMap((a, i) => vs.slice(i + 1).map((b) => a.reduce((s, v, k) => s + v * b[k]!, 0) / Math.hypot(...a) / Math.hypot(...b)));
    for (const m of DEFAULT_SAMPLES) {
      const rows = m.map((r) => [...r]);
      const cols = rows[0]!.map((_, j) => rows.map((r) => r[j]!));
      expect(rows.flat().every((v) => Math.abs(v) >= 0.1)).toBe(true);
      for (const c of [...cosines(rows), ...cosines(cols)]) {
        expect(Math.abs(c)).toBeGreaterThan(0.05);
        expect(Math.abs(c)).toBeLessThan(0.92);
      }
    }
  });

  it('checks a declared asL1L2 form against apply, and fails a false one', async () => {
    const declared = (l2: number) => () => ({ ...square({ factor: 0.25 }), asL1L2: () => ({ l1: 0, l2 }) });
    // square({ factor: 0.25 }) is 0.25 * sum(x^2): the true form is { l1: 0, l2: 0.25 }.
    const report = await runRegularizerContract(declared(0.25));
    expect(report.checks).toContain('asL1L2 matches apply');
    const message = await failure(runRegularizerContract(declared(0.5)));
    expect(message).toContain('* asL1L2 matches apply: kit>Square.asL1L2() declares { l1: 0, l2: 0.5 }, which does not match its apply');
    // sample 0 of the defaults (float32 values): sum of squares by hand
    const sumSquares = DEFAULT_SAMPLES[0]!.flat().reduce((s, v) => s + Math.fround(v) ** 2, 0);
    const declaredValue = Number(/sample 0 .*the declared form ([\d.]+)/.exec(message)?.[1]);
    expect(declaredValue).toBeCloseTo(0.5 * sumSquares, 6);
    const negative = await failure(runRegularizerContract(declared(-1)));
    expect(negative).toContain('returned l2 = -1; each factor must be a finite number >= 0');
  });

  it('fails a wrong gradient', async () => {
    const message = await failure(runRegularizerContract(() => square({ analytic: 0.5 })));
    expect(message).toContain('kit>Square breaks the Regularizer contract (2 of 7 checks failed)');
    expect(message).toContain('* gradient on sample 0: kit>Square: the gradient at an input of shape [4, 3]');
    expect(message).toContain('* gradient on sample 1:');
  });

  it('fails a config that does not round-trip', async () => {
    const message = await failure(runRegularizerContract(() => square({ factor: 2, className: 'kit>Forgetful' })));
    expect(message).toContain('* config round trip: Round trip of kit>Forgetful changed its config: $.factor: 2 vs 0.5');
  });

  it('fails a name that is not registered, or builds another class', async () => {
    const message = await failure(runRegularizerContract(() => square(), { names: ['kitSqare', 'kit>Negative'] }));
    expect(message).toContain("* resolves as 'kitSqare': 'kitSqare' is not registered as a regularizer");
    expect(message).toContain("* resolves as 'kit>Negative': 'kit>Negative' built a kit>Negative, expected kit>Square.");
  });

  it('fails a negative penalty', async () => {
    const negative = (): Regularizer => ({ ...valued('kit>Square', (x) => tf.neg(tf.sum(tf.square(x)))), getConfig: () => ({ factor: 0.5 }) });
    const message = await failure(runRegularizerContract(negative));
    expect(message).toMatch(/\* non-negative: kit>Square is not a finite non-negative penalty:\n- sample 0 \(shape \[4, 3\]\): the penalty is -\d/);
  });

  it('fails a regularizer that leaks a tensor on every apply', async () => {
    const kept: tf.Tensor[] = [];
    const leaky = (): Regularizer => {
      const r = square();
      return { ...r, apply: (x) => (kept.push(tf.ones([2])), r.apply(x)) };
    };
    const message = await failure(runRegularizerContract(leaky));
    expect(message).toContain('* no tensor leak on sample 0: kit>Square.apply leaked 1 tensor(s)');
    expect(message).not.toContain('* gradient on sample');
    tf.dispose(kept);
  });

  it('reports a factory that throws as a failure of every check, not a crash', async () => {
    const message = await failure(
      runRegularizerContract(() => {
        throw new RangeError('factor must be >= 0');
      }),
    );
    expect(message).toContain('* config round trip: threw RangeError: factor must be >= 0');
    expect(message).toContain('* non-negative: threw RangeError');
  });
});
