import { initBackend } from '@ridge/backend';
import '@ridge/losses';
import '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  activation,
  conv1d,
  dense,
  dropout,
  embedding,
  flatten,
  gru,
  input,
  lstm,
  model,
  modelFromJSON,
  loadModel,
  sequential,
  simpleRNN,
  type Layer,
  type Model,
} from '../../index.js';
import type { RecurrentArgs, RecurrentLayer } from './index.js';
import { caughtRidgeError } from '../../../test/fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const KINDS: readonly { readonly name: string; readonly make: (args: RecurrentArgs) => RecurrentLayer }[] = [
  { name: 'SimpleRNN', make: simpleRNN },
  { name: 'LSTM', make: lstm },
  { name: 'GRU', make: gru },
];

function numbers(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function expectNumbersClose(actual: readonly number[], expected: readonly number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

/** Weights from a fixed formula, so that two models can be given the same ones. */
function fixedWeights(m: Model, seed: number): void {
  m.weights.forEach((w, k) => {
    const data = Array.from({ length: w.variable.size }, (_, i) => 0.6 * Math.sin(seed + 1.3 * i + 2.1 * k));
    w.variable.assign(tf.tensor(data, w.shape as number[]));
  });
}

/** Embedding (index 0 is padding when masked) and a recurrent layer, for sequences of `time` tokens. */
function textModel(make: (args: RecurrentArgs) => RecurrentLayer, time: number, maskZero: boolean, args: Partial<RecurrentArgs> = {}): { m: Model; rnn: RecurrentLayer } {
  const inp = input({ shape: [time] });
  const rnn = make({ units: 3, ...args });
  const outs = rnn.applyAll(embedding({ inputDim: 10, outputDim: 4, maskZero }).apply(inp));
  const m = model({ inputs: inp, outputs: outs });
  fixedWeights(m, 3);
  return { m, rnn };
}

function predictAll(m: Model, x: tf.Tensor): tf.Tensor[] {
  const out = m.predict(x);
  return Array.isArray(out) ? out : [out];
}

describe('Embedding maskZero and recurrent layers', () => {
  for (const { name, make } of KINDS) {
    for (const goBackwards of [false, true]) {
      it(`${name}${goBackwards ? ' (goBackwards)' : ''}: [5, 6, 7, 0, 0, 0] with maskZero gives the output and states of [5, 6, 7]`, () => {
        const padded = textModel(make, 6, true, { returnState: true, goBackwards }).m;
        const plain = textModel(make, 3, false, { returnState: true, goBackwards }).m;
        const a = predictAll(padded, tf.tensor2d([[5, 6, 7, 0, 0, 0], [2, 0, 0, 0, 0, 0]]));
        const b = predictAll(plain, tf.tensor2d([[5, 6, 7]]));
        const c = predictAll(plain, tf.tensor2d([[2, 2, 2]]));
        expect(a.length).toBe(name === 'LSTM' ? 3 : 2);
        // Row 0 is the padded [5, 6, 7]; row 1, a single token, equals [2] alone, which is not [2, 2, 2].
        a.forEach((t, i) => expectNumbersClose(numbers(t).slice(0, 3), numbers(b[i]!)));
        expect(numbers(a[0]!).slice(3)).not.toEqual(numbers(c[0]!));
        // Without the mask the padding counts: a different output.
        const unmasked = textModel(make, 6, false, { goBackwards }).m;
        const u = unmasked.predict(tf.tensor2d([[5, 6, 7, 0, 0, 0]])) as tf.Tensor;
        expect(Math.max(...numbers(u).map((v, i) => Math.abs(v - numbers(b[0]!)[i]!)))).toBeGreaterThan(1e-3);
        for (const m of [padded, plain, unmasked]) m.dispose();
      });

      it(`${name}${goBackwards ? ' (goBackwards)' : ''} returnSequences: masked steps repeat the last unmasked output (Keras 3's default), and zeros with zeroOutputForMask`, () => {
        const padded = textModel(make, 6, true, { returnSequences: true, goBackwards }).m;
        const plain = textModel(make, 3, false, { returnSequences: true, goBackwards }).m;
        const zeros = textModel(make, 6, true, { returnSequences: true, goBackwards, zeroOutputForMask: true }).m;
        const a = numbers(padded.predict(tf.tensor2d([[5, 6, 7, 0, 0, 0]])) as tf.Tensor);
        const b = numbers(plain.predict(tf.tensor2d([[5, 6, 7]])) as tf.Tensor);
        const z = numbers(zeros.predict(tf.tensor2d([[5, 6, 7, 0, 0, 0]])) as tf.Tensor);
        const row = (v: number[], t: number) => v.slice(3 * t, 3 * t + 3);
        if (!goBackwards) {
          // Steps 0..2 are the unpadded sequence's; steps 3..5 hold step 2's output.
          for (let t = 0; t < 3; t++) expectNumbersClose(row(a, t), row(b, t));
          for (let t = 3; t < 6; t++) expectNumbersClose(row(a, t), row(b, 2));
          for (let t = 0; t < 3; t++) expectNumbersClose(row(z, t), row(b, t));
          for (let t = 3; t < 6; t++) expect(row(z, t)).toEqual([0, 0, 0]);
        } else {
          // Backwards the three padded steps come first: zero state, zero output; then 7, 6, 5.
          for (let t = 0; t < 3; t++) expect(row(a, t)).toEqual([0, 0, 0]);
          for (let t = 3; t < 6; t++) expectNumbersClose(row(a, t), row(b, t - 3));
          expectNumbersClose(z, a);
        }
        for (const m of [padded, plain, zeros]) m.dispose();
      });
    }
  }

  it('SimpleRNN: the same numbers as the recurrence written out, skipping the masked tokens (also in the middle)', () => {
    const { m, rnn } = textModel(simpleRNN, 5, true, { returnSequences: true });
    const emb = m.layers[1]!.getWeights()[0]!;
    const [kernel, recurrent, bias] = rnn.getWeights().map((w) => w.arraySync() as number[][] | number[]);
    const table = emb.arraySync() as number[][];
    const tokens = [4, 0, 9, 0, 0];
    let h = [0, 0, 0];
    const expected: number[] = [];
    for (const token of tokens) {
      if (token !== 0) {
        const x = table[token]!;
        h = h.map((_, j) =>
          Math.tanh(
            x.reduce((s, v, i) => s + v * (kernel as number[][])[i]![j]!, 0) +
              (bias as number[])[j]! +
              h.reduce((s, v, i) => s + v * (recurrent as number[][])[i]![j]!, 0),
          ),
        );
      }
      expected.push(...h);
    }
    expectNumbersClose(numbers(m.predict(tf.tensor2d([tokens])) as tf.Tensor), expected);
    m.dispose();
  });

  it('a mask passes through Dense, Dropout and Activation to the recurrent layer; after returnSequences: false there is none', () => {
    const build = (maskZero: boolean, time: number) => {
      const m = sequential({
        layers: [
          embedding({ inputDim: 10, outputDim: 4, maskZero, inputShape: [time] }),
          dense({ units: 3 }),
          dropout({ rate: 0.5 }),
          activation({ activation: 'relu' }),
          lstm({ units: 2 }),
          dense({ units: 1 }),
        ],
      });
      fixedWeights(m, 7);
      return m;
    };
    const padded = build(true, 5);
    const plain = build(false, 2);
    expectNumbersClose(numbers(padded.predict(tf.tensor2d([[3, 8, 0, 0, 0]])) as tf.Tensor), numbers(plain.predict(tf.tensor2d([[3, 8]])) as tf.Tensor));
    // The last Dense gets no mask, so the model can be compiled.
    expect(() => padded.compile({ optimizer: 'sgd', loss: 'mse' })).not.toThrow();
    padded.dispose();
    plain.dispose();
  });

  it('a model used as a layer receives the mask and passes it to its layers', () => {
    const inner = (time: number) => {
      const i = input({ shape: [time, 4] });
      return model({ inputs: i, outputs: gru({ units: 3, returnSequences: true }).apply(dense({ units: 4 }).apply(i)) });
    };
    const outer = (maskZero: boolean, time: number) => {
      const inp = input({ shape: [time] });
      const y = lstm({ units: 2 }).apply(inner(time).apply(embedding({ inputDim: 10, outputDim: 4, maskZero }).apply(inp)));
      const m = model({ inputs: inp, outputs: y });
      fixedWeights(m, 11);
      return m;
    };
    const padded = outer(true, 6);
    const plain = outer(false, 2);
    expectNumbersClose(numbers(padded.predict(tf.tensor2d([[6, 1, 0, 0, 0, 0]])) as tf.Tensor), numbers(plain.predict(tf.tensor2d([[6, 1]])) as tf.Tensor));
    padded.dispose();
    plain.dispose();
  });

  it('training: no gradient from masked steps (one SGD step on the padded sequence equals one on the unpadded)', async () => {
    for (const { make } of KINDS) {
      const build = (maskZero: boolean, time: number) => {
        const m = sequential({ layers: [embedding({ inputDim: 10, outputDim: 4, maskZero, inputShape: [time] }), make({ units: 3 }), dense({ units: 1 })] });
        fixedWeights(m, 5);
        m.compile({ optimizer: 'sgd', loss: 'mse' });
        return m;
      };
      const padded = build(true, 6);
      const plain = build(false, 3);
      const y = tf.tensor2d([[0.7]]);
      const before = numbers(padded.weights[0]!.variable);
      const hp = await padded.fit(tf.tensor2d([[5, 6, 7, 0, 0, 0]]), y, { epochs: 1, batchSize: 1, verbose: 0 });
      const hu = await plain.fit(tf.tensor2d([[5, 6, 7]]), y, { epochs: 1, batchSize: 1, verbose: 0 });
      expect(hp.history['loss']![0]).toBeCloseTo(hu.history['loss']![0]!, 6);
      padded.weights.forEach((w, i) => expectNumbersClose(numbers(w.variable), numbers(plain.weights[i]!.variable)));
      // The padding row of the embeddings got no gradient.
      expectNumbersClose(numbers(padded.weights[0]!.variable).slice(0, 4), before.slice(0, 4));
      padded.dispose();
      plain.dispose();
    }
  });

  it("a layer that does not support masking drops the mask with Keras 3's warning, naming the layer and where the mask comes from; later layers see none", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const inp = input({ shape: [6] });
      const e = embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: 'mask_emb' }).apply(inp);
      for (const layer of [flatten({ name: 'mask_flat' }), conv1d({ filters: 2, kernelSize: 2, name: 'mask_conv' })] as Layer[]) {
        warn.mockClear();
        layer.apply(e);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]![0])).toContain(`'${layer.name}' does not support masking: its input carries a mask (from Embedding 'mask_emb')`);
        expect(layer.built).toBe(true);
      }
      // Through a returnSequences layer the mask goes on, and is dropped further down.
      warn.mockClear();
      const seq = lstm({ units: 2, returnSequences: true, name: 'mask_seq' }).apply(e);
      flatten().apply(seq);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("Embedding 'mask_emb'");
      // Inside a model used as a layer: the inner layer is named.
      warn.mockClear();
      const i2 = input({ shape: [6, 4] });
      const inner = model({ inputs: i2, outputs: flatten({ name: 'inner_flat' }).apply(i2) });
      inner.apply(e);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("Flatten 'inner_flat' does not support masking");
      // A sequential model builds, with the warning.
      warn.mockClear();
      const s = sequential({ layers: [embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [4] }), flatten({ name: 'seq_flat' })] });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("Flatten 'seq_flat'");
      s.dispose();
    } finally {
      warn.mockRestore();
    }
  });

  it('a mask given explicitly to a layer that does not support masking is refused, as Keras 3 refuses the argument', () => {
    const x = tf.ones([1, 3, 2]);
    const mask = tf.ones([1, 3]);
    const layer = conv1d({ filters: 1, kernelSize: 1, name: 'mask_eager_conv' });
    const error = caughtRidgeError(() => layer.apply(x, { mask }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain("Conv1D 'mask_eager_conv' does not support masking, but was given a mask (by apply(x, { mask }))");
    tf.dispose([x, mask]);
  });

  it('eager calls take a mask: layer.apply(x, { mask })', () => {
    const layer = lstm({ units: 2, returnSequences: true });
    const x = tf.tensor3d([[[0.1, 0.2], [0.3, -0.1], [0.5, 0.5]]]);
    const full = layer.apply(tf.slice(x, [0, 0, 0], [1, 2, 2]));
    const masked = layer.apply(x, { mask: tf.tensor2d([[1, 1, 0]]) });
    expectNumbersClose(numbers(masked).slice(0, 4), numbers(full));
    expectNumbersClose(numbers(masked).slice(4), numbers(full).slice(2));
    expect(caughtRidgeError(() => layer.apply(x, { mask: tf.ones([1, 2]) })).code).toBe('SHAPE_MISMATCH');
    tf.dispose([x, full, masked]);
    layer.dispose();
  });

  it('no tensor is left behind by predict, fit and evaluate with masks', async () => {
    const m = sequential({ layers: [embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [5] }), gru({ units: 2, returnSequences: true }), lstm({ units: 2 }), dense({ units: 1 })] });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = tf.tensor2d([[1, 2, 0, 0, 0], [3, 0, 0, 0, 0]]);
    const y = tf.tensor2d([[1], [0]]);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    tf.dispose(m.predict(x) as tf.Tensor);
    await m.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0 });
    await m.evaluate(x, y);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('saving keeps maskZero and zeroOutputForMask: the reloaded model masks the same way', async () => {
    const inp = input({ shape: [5] });
    const out = lstm({ units: 2, returnSequences: true, zeroOutputForMask: true, name: 'saved_lstm' }).apply(embedding({ inputDim: 8, outputDim: 3, maskZero: true, name: 'saved_emb' }).apply(inp));
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(lstm({ units: 2 }).apply(out)) });
    fixedWeights(m, 13);
    const json = m.toJSON();
    const layers = (json['config'] as { layers: { config: Record<string, unknown> }[] }).layers;
    expect(layers.find((l) => l.config['name'] === 'saved_emb')!.config['mask_zero']).toBe(true);
    expect(layers.find((l) => l.config['name'] === 'saved_lstm')!.config['zero_output_for_mask']).toBe(true);
    const copy = modelFromJSON(JSON.stringify(json));
    expect((copy.getLayer('saved_emb') as unknown as { maskZero: boolean }).maskZero).toBe(true);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })));
    const loaded = await loadModel(tf.io.fromMemory(artifacts!));
    const x = tf.tensor2d([[3, 4, 0, 0, 0], [7, 0, 0, 0, 0]]);
    expectNumbersClose(numbers(loaded.predict(x) as tf.Tensor), numbers(m.predict(x) as tf.Tensor));
    // The mask matters here: the same model without it predicts otherwise.
    const x2 = tf.tensor2d([[3, 4, 1, 1, 1], [7, 1, 1, 1, 1]]);
    expect(numbers(loaded.predict(x2) as tf.Tensor)).not.toEqual(numbers(loaded.predict(x) as tf.Tensor));
    for (const t of [m, copy, loaded]) t.dispose();
  });
});
