import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { dense, flatten, globalAveragePooling1d, gru, input, lstm, model, sequential, type Layer } from '../../index.js';
import { activityRegularization, alphaDropout, embedding, gaussianDropout, gaussianNoise, layerNormalization, masking } from './index.js';
import { maskSource } from '../../model/masking.js';

useCpu();

describe('Masking', () => {
  it('zeroes the steps whose features all equal maskValue and gives the mask any(x != maskValue, -1)', () => {
    const layer = masking({ maskValue: -1 });
    // Step 1 is all -1 (padding); step 2 has one -1 only (kept).
    const x = tf.tensor3d([[[1, 2], [-1, -1], [-1, 3]]]);
    const y = layer.apply(x) as tf.Tensor;
    // (-1 * 0 is -0, as in Keras and tfjs-layers.)
    expectClose(y, [1, 2, 0, 0, -1, 3], 7);
    const [mask] = layer.computeMask([x], [undefined], 1);
    expect(mask!.dtype).toBe('bool');
    expect(Array.from(mask!.dataSync())).toEqual([1, 0, 1]);
    tf.dispose([x, y, mask!]);
  });

  it('has a gradient, so the layers before it train: 1 on kept steps, 0 on padded ones', () => {
    const layer = masking();
    const x = tf.tensor3d([[[1, 2], [0, 0], [0, 3]]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v) as tf.Tensor))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0, 1, 1]);
    tf.dispose([x, g]);
  });

  it('an LSTM after it gives the same output for a padded and an unpadded sequence, padding at the end or inside', () => {
    const m = sequential({ layers: [masking({ inputShape: [null, 2] }), lstm({ units: 3 })] });
    const steps = [[0.5, -1], [2, 0.25], [-0.75, 1]];
    const plain = tf.tensor3d([steps]);
    const padded = tf.tensor3d([[...steps, [0, 0], [0, 0]]]);
    const inside = tf.tensor3d([[steps[0]!, [0, 0], steps[1]!, steps[2]!]]);
    const before = tf.memory().numTensors;
    const [a, b, c] = [plain, padded, inside].map((x) => m.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before + 3);
    expectClose(b!, Array.from(a!.dataSync()), 6);
    expectClose(c!, Array.from(a!.dataSync()), 6);
    // Without the mask the padded steps count: the check above can fail.
    const unmasked = sequential({ layers: [lstm({ units: 3, inputShape: [null, 2] })] });
    unmasked.setWeights(m.getWeights());
    const d = unmasked.predict(padded) as tf.Tensor;
    expect(Math.max(...Array.from(tf.tidy(() => tf.abs(tf.sub(d, a!))).dataSync()))).toBeGreaterThan(1e-3);
    tf.dispose([plain, padded, inside, a!, b!, c!, d]);
    m.dispose();
    unmasked.dispose();
  });

  it('trains a GRU on padded data, leaving tf.memory() as it was', async () => {
    const inp = input({ shape: [4, 2] });
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(gru({ units: 2 }).apply(masking().apply(inp))) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor3d([[[1, 2], [0, 0], [3, 1], [0, 0]], [[0.5, 0.5], [1, 1], [0, 0], [0, 0]]]);
    const y = tf.tensor2d([[1], [0]]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const before = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0 });
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('a layer after it that does not support masking drops the mask, warning as Keras 3 and naming the Masking layer', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const inp = input({ shape: [3, 2] });
      const out = flatten({ name: 'after_masking' }).apply(masking({ name: 'pad_mask' }).apply(inp));
      expect(out.shape).toEqual([null, 6]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("Flatten 'after_masking' does not support masking: its input carries a mask (from Masking 'pad_mask')");
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a maskValue that is not a finite number', () => {
    for (const value of [Number.NaN, '0', null]) {
      const error = caught(() => masking({ maskValue: value as number }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details['argument']).toBe('maskValue');
      expect(error.message).toContain('maskValue must be a finite number');
    }
  });
});

describe('layers that pass a mask on, as Keras 3 (supports_masking)', () => {
  it('LayerNormalization, GaussianNoise, GaussianDropout, AlphaDropout and ActivityRegularization: no warning, and the pooling after them averages the unmasked steps', () => {
    const make: (() => Layer)[] = [
      () => layerNormalization({ name: 'pass_ln' }),
      () => gaussianNoise({ stddev: 0.1, name: 'pass_noise' }),
      () => gaussianDropout({ rate: 0.2, name: 'pass_gdrop' }),
      () => alphaDropout({ rate: 0.2, name: 'pass_adrop' }),
      () => activityRegularization({ l2: 0.01, name: 'pass_actreg' }),
    ];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const layerOf of make) {
        const inp = input({ shape: [4], dtype: 'int32' });
        const emb = embedding({ inputDim: 6, outputDim: 3, maskZero: true });
        const layer = layerOf();
        const mid = layer.apply(emb.apply(inp));
        expect(maskSource(mid), layer.name).toMatch(/^Embedding '/);
        const m = model({ inputs: inp, outputs: globalAveragePooling1d().apply(mid) });
        const ids = [[2, 5, 0, 0]];
        const x = tf.tensor2d(ids, [1, 4], 'int32');
        const y = m.predict(x) as tf.Tensor;
        // In inference every one of them is a function of each step alone; the mean over steps 0 and 1 by hand.
        const steps = tf.tidy(() => layer.apply(emb.apply(x)));
        const v = Array.from(steps.dataSync());
        expectClose(y, [0, 1, 2].map((c) => (v[c]! + v[3 + c]!) / 2), 5);
        tf.dispose([x, y, steps]);
        m.dispose();
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
