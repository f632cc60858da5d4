import { initBackend } from '@ridge/backend';
import { embedding, InputLayer, lstm, sequential } from '@ridge/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactsOf, expectClose } from '../support/tfjs-layers.js';

/*
 * What the 'tfjs-layers' format's warning for `zeroOutputForMask: true` says, shown on
 * tfjs-layers 4.22 itself: it ignores the key, and its LSTM repeats the last output at masked
 * steps where Ridge (as Keras) gives zeros.
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('zeroOutputForMask saved for tfjs-layers', () => {
  it('warns, and tfjs-layers indeed returns the last output at masked steps where Ridge returns zeros', async () => {
    const make = (zeroOutputForMask: boolean) =>
      sequential({
        layers: [
          new InputLayer({ shape: [4], dtype: 'int32' }),
          embedding({ inputDim: 6, outputDim: 3, maskZero: true }),
          lstm({ units: 2, returnSequences: true, zeroOutputForMask }),
        ],
      });
    const zeroing = make(true);
    const repeating = make(false);
    zeroing.weights.forEach((w, i) => {
      const value = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 40 + i);
      w.assign(value);
      repeating.weights[i]!.assign(value);
      value.dispose();
    });
    const warnings: string[] = [];
    const tm = await tfl.loadLayersModel(
      tf.io.fromMemory(await artifactsOf((h) => zeroing.save(h, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) }))),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('will return the last output for masked steps');

    // Steps 2 and 3 of the first row, and 1 to 3 of the second, are masked.
    const x = tf.tensor2d([[2, 3, 0, 0], [4, 0, 0, 0]], undefined, 'int32');
    const ours = zeroing.predict(x) as tf.Tensor3D;
    const theirs = tm.predict(x) as tf.Tensor3D;
    const oursRows = ours.arraySync();
    const theirsRows = theirs.arraySync();
    // Ridge: zeros at the masked steps.
    expect(oursRows[0]![2]).toEqual([0, 0]);
    expect(oursRows[1]![3]).toEqual([0, 0]);
    // tfjs-layers: the last unmasked step's output, repeated (not zeros).
    expect(theirsRows[0]![2]).toEqual(theirsRows[0]![1]);
    expect(theirsRows[1]![3]).toEqual(theirsRows[1]![0]);
    expect(Math.abs(theirsRows[1]![3]![0]!)).toBeGreaterThan(0);
    // Which is Ridge's default (zeroOutputForMask: false), on the same weights.
    const repeated = repeating.predict(x) as tf.Tensor;
    expectClose(theirs, repeated);
    tf.dispose([x, ours, theirs, repeated]);
    for (const m of [zeroing, repeating]) m.dispose();
    tm.dispose();
  });
});
