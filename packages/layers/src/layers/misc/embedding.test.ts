import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { registry } from '@ridge/core';
import { l1, l2, maxNorm } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model, sequential } from '../../base.js';
import '../../register.js';
import '../../features/regularization.js';
import { Embedding, embedding } from './index.js';
import './register.js';
import { values, expectClose, setWeight, caughtRidgeError as caught } from '../../../test/fixtures.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const INPUT_DIM = 5;
const OUTPUT_DIM = 3;
/** Row r of the table is [r, 10 r + 1, -r / 2]: easy to recognise. */
const TABLE = Array.from({ length: INPUT_DIM }, (_, r) => [r, 10 * r + 1, -r / 2]);
const INDICES = [
  [0, 2, 2],
  [4, 1, 0],
];

describe('Embedding lookup', () => {
  it('maps every index to its row, for float and int32 inputs', () => {
    const layer = embedding({ inputDim: INPUT_DIM, outputDim: OUTPUT_DIM });
    layer.ensureBuilt([null, 3]);
    setWeight(layer.embeddings, TABLE.flat());
    const expected = INDICES.flat().flatMap((i) => TABLE[i]!);
    for (const dtype of ['float32', 'int32'] as const) {
      const x = tf.tensor2d(INDICES, [2, 3], dtype);
      const y = layer.apply(x);
      expect(y.dtype).toBe('float32');
      expect(y.shape).toEqual([2, 3, OUTPUT_DIM]);
      expectClose(y, expected);
      tf.dispose([x, y]);
    }
    layer.dispose();
  });

  it('has Keras defaults: RandomUniform(-0.05, 0.05), maskZero false', () => {
    const layer = embedding({ inputDim: 50, outputDim: 4 });
    expect(layer.maskZero).toBe(false);
    layer.ensureBuilt([null, 2]);
    expect([layer.embeddings.name, layer.embeddings.role, layer.embeddings.trainable, layer.embeddings.shape]).toEqual(['embeddings', 'embeddings', true, [50, 4]]);
    const table = Array.from(layer.embeddings.read().dataSync());
    expect(Math.max(...table)).toBeLessThanOrEqual(0.05);
    expect(Math.min(...table)).toBeGreaterThanOrEqual(-0.05);
    expect(new Set(table).size).toBeGreaterThan(150);
    layer.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('the gradient reaches exactly the looked-up rows, summed over repeats (%s; wasm has no UnsortedSegmentSum, the kernel of gather\'s gradient)', async (backend) => {
    await initBackend({ prefer: backend, log: false });
    expect(tf.getBackend()).toBe(backend);
    const start = tf.memory().numTensors;
    const layer = embedding({ inputDim: INPUT_DIM, outputDim: OUTPUT_DIM });
    layer.ensureBuilt([null, 3]);
    const x = tf.tensor2d(INDICES);
    // loss = sum(output * C): the gradient of row r is the sum of C over the positions holding r.
    const c = values(2 * 3 * OUTPUT_DIM, 17);
    const weightsOfLoss = tf.tensor3d(c, [2, 3, OUTPUT_DIM]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), weightsOfLoss)) as tf.Scalar, [layer.embeddings.variable]);
    const expected = TABLE.map(() => new Array<number>(OUTPUT_DIM).fill(0));
    INDICES.flat().forEach((r, p) => {
      for (let k = 0; k < OUTPUT_DIM; k++) expected[r]![k]! += c[p * OUTPUT_DIM + k]!;
    });
    const grad = grads[layer.embeddings.variable.name]!;
    expect(grad.shape).toEqual([INPUT_DIM, OUTPUT_DIM]);
    expectClose(grad, expected.flat());
    // Row 3 is never looked up.
    expectClose(Array.from(grad.dataSync()).slice(3 * OUTPUT_DIM, 4 * OUTPUT_DIM), [0, 0, 0]);
    tf.dispose([x, weightsOfLoss, value, ...Object.values(grads)]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(start);
    await initBackend({ prefer: 'cpu', log: false });
  });

  it('a fit step changes the looked-up rows only', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [3] });
    const emb = embedding({ name: 'emb_fit', inputDim: INPUT_DIM, outputDim: OUTPUT_DIM });
    const m = model({ inputs: inp, outputs: emb.apply(inp) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor2d(INDICES);
    const y = tf.tensor3d(values(18, 3), [2, 3, OUTPUT_DIM]);
    const before = Array.from(emb.embeddings.read().dataSync());
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const after = Array.from(emb.embeddings.read().dataSync());
    const rowChanged = TABLE.map((_, r) => [0, 1, 2].some((k) => before[r * 3 + k] !== after[r * 3 + k]));
    expect(rowChanged).toEqual([true, true, true, false, true]);
    const steady = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(steady);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('Embedding in a model', () => {
  it('computeOutputShape matches a real output; predict leaks nothing', () => {
    const inp = input({ shape: [3] });
    const layer = embedding({ inputDim: INPUT_DIM, outputDim: OUTPUT_DIM });
    const out = layer.apply(inp);
    expect(out.shape).toEqual([null, 3, OUTPUT_DIM]);
    expect(layer.computeOutputShape([null, 3])).toEqual([null, 3, OUTPUT_DIM]);
    const m = model({ inputs: inp, outputs: out });
    const x = tf.tensor2d(INDICES);
    const before = tf.memory().numTensors;
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, OUTPUT_DIM]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('embeddingsRegularizer and activityRegularizer are penalty terms with their values', () => {
    const inp = input({ shape: [3] });
    const emb = embedding({ name: 'emb_pen', inputDim: INPUT_DIM, outputDim: OUTPUT_DIM, embeddingsRegularizer: l2(0.5), activityRegularizer: l1(0.1) });
    const m = model({ inputs: inp, outputs: emb.apply(inp) });
    setWeight(emb.embeddings, TABLE.flat());
    const x = tf.tensor2d(INDICES);
    const { terms } = m.penalties(x);
    expect(terms.map((t) => [t.path, t.kind])).toEqual([
      ['emb_pen/embeddings', 'weight'],
      ['emb_pen/activity', 'activity'],
    ]);
    const table = Array.from(emb.embeddings.read().dataSync());
    expect(terms[0]!.value).toBeCloseTo(0.5 * table.reduce((s, v) => s + v * v, 0), 3);
    const activity = INDICES.flat().flatMap((i) => TABLE[i]!);
    expect(terms[1]!.value).toBeCloseTo((0.1 * activity.reduce((s, v) => s + Math.abs(v), 0)) / 2, 4);
    x.dispose();
    m.dispose();
  });

  it("a bare model-level spec covers embeddings (a kernel-like role)", () => {
    const inp = input({ shape: [3] });
    const emb = embedding({ name: 'emb_model', inputDim: INPUT_DIM, outputDim: OUTPUT_DIM });
    const m = model({ inputs: inp, outputs: emb.apply(inp) });
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'l2' });
    expect(m.penalties().terms.map((t) => [t.path, t.source])).toEqual([['emb_model/embeddings', 'model']]);
    m.dispose();
  });

  it('embeddingsConstraint is applied after a training step', async () => {
    const inp = input({ shape: [3] });
    const emb = embedding({ name: 'emb_con', inputDim: INPUT_DIM, outputDim: OUTPUT_DIM, embeddingsConstraint: maxNorm({ maxValue: 1, axis: 1 }) });
    const m = model({ inputs: inp, outputs: emb.apply(inp) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    setWeight(emb.embeddings, TABLE.flat());
    const x = tf.tensor2d(INDICES);
    const y = tf.zeros([2, 3, OUTPUT_DIM]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const table = Array.from(emb.embeddings.read().dataSync());
    for (let r = 0; r < INPUT_DIM; r++) {
      const norm = Math.hypot(...table.slice(r * 3, r * 3 + 3));
      // Row 0 ([0, 1, 0] minus a small step) has norm below 1; every other row is scaled to 1.
      if (r === 0) expect(norm).toBeLessThanOrEqual(1);
      else expect(norm).toBeCloseTo(1, 4);
    }
    tf.dispose([x, y]);
    m.dispose();
  });

  it('inputLength gives the layer an input shape (Keras 2), so a sequential model builds', () => {
    const layer = embedding({ inputDim: INPUT_DIM, outputDim: OUTPUT_DIM, inputLength: 3 });
    expect(layer.batchInputShape).toEqual([null, 3]);
    const m = sequential({ layers: [layer] });
    const x = tf.tensor2d(INDICES);
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, OUTPUT_DIM]);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('Embedding config and errors', () => {
  it('getConfig round-trips, directly and through the registry', () => {
    const layer = embedding({ inputDim: 7, outputDim: 2, maskZero: true, inputLength: 4, embeddingsRegularizer: l1(0.2), embeddingsInitializer: 'ones' });
    layer.ensureBuilt([null, 4]);
    const config = layer.getConfig();
    expect(config).toMatchObject({
      inputDim: 7,
      outputDim: 2,
      maskZero: true,
      inputLength: 4,
      batchInputShape: [null, 4],
      embeddingsInitializer: { className: 'Ones', config: {} },
      embeddingsRegularizer: { className: 'L1', config: { l1: 0.2 } },
      embeddingsConstraint: null,
    });
    const copy = new Embedding({ ...(config as unknown as ConstructorParameters<typeof Embedding>[0]), name: 'emb_copy' });
    expect({ ...copy.getConfig(), name: 'x' }).toEqual({ ...config, name: 'x' });
    const fromRegistry = registry('layer').get('Embedding').create({ ...config, name: 'emb_copy_2' }) as Embedding;
    expect({ ...fromRegistry.getConfig(), name: 'x' }).toEqual({ ...config, name: 'x' });
    expect(embedding({ inputDim: 2, outputDim: 2 }).getConfig()).toMatchObject({
      maskZero: false,
      inputLength: null,
      embeddingsInitializer: { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
    });
    layer.dispose();
  });

  it.each([
    ['inputDim', { inputDim: 0, outputDim: 2 }, '0'],
    ['outputDim', { inputDim: 3, outputDim: 2.5 }, '2.5'],
    ['maskZero', { inputDim: 3, outputDim: 2, maskZero: 'yes' }, 'yes'],
    ['inputLength', { inputDim: 3, outputDim: 2, inputLength: -1 }, '-1'],
  ])('rejects a bad %s', (argument, args, received) => {
    const error = caught(() => new Embedding({ name: 'emb_bad', ...(args as { inputDim: number; outputDim: number }) }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain("Embedding 'emb_bad'");
    expect(error.message).toContain(argument);
    expect(error.message).toContain(received);
  });

  it('rejects an unknown regularizer name', () => {
    const error = caught(() => new Embedding({ name: 'emb_bad_reg', inputDim: 3, outputDim: 2, embeddingsRegularizer: 'nope' as never }));
    expect(error.code).toBe('UNKNOWN_NAME');
    expect(error.message).toContain("Embedding 'emb_bad_reg'");
    expect(error.message).toContain('embeddingsRegularizer');
  });
});
