import { initBackend } from '@ridge/backend';
import { dense, input, model, type Model, type RegularizationOption } from '@ridge/layers';
import '@ridge/losses';
import { adam } from '@ridge/optimizers';
import type { RegularizerSpec } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

// y = 0.8 x0 - 0.5 x1 on 256 fixed points of [-1, 1]^4: one or two hidden units are enough, so
// a group penalty on the hidden kernel can switch the other units off without hurting the fit.
const X = Array.from({ length: 256 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.sin(12.9898 * (i + 1) + 78.233 * (j + 1))));
const Y = X.map((x) => [0.8 * x[0]! - 0.5 * x[1]!]);
const HIDDEN = 8;

/** input(4) -> dense(8, tanh) -> dense(1), with seeded initial weights (the same for every run). */
function build(name: string, kernelRegularizer?: RegularizerSpec): Model {
  const inp = input({ shape: [4] });
  const hidden = dense({
    units: HIDDEN,
    activation: 'tanh',
    name: `${name}_hidden`,
    kernelInitializer: { className: 'GlorotUniform', config: { seed: 7 } },
    ...(kernelRegularizer === undefined ? {} : { kernelRegularizer }),
  }).apply(inp);
  const out = dense({ units: 1, name: `${name}_out`, kernelInitializer: { className: 'GlorotUniform', config: { seed: 8 } } }).apply(hidden);
  return model({ inputs: inp, outputs: out });
}

/** The L2 norm of each column of a layer's kernel: the incoming weights of each unit. */
function columnNorms(m: Model, layer: string): number[] {
  const kernel = (m.getLayer(layer) as unknown as { kernel: { read(): tf.Tensor } }).kernel.read();
  return tf.tidy(() => Array.from(tf.norm(kernel, 'euclidean', 0).dataSync()));
}

async function train(name: string, kernelRegularizer?: RegularizerSpec, regularization?: RegularizationOption) {
  const m = build(name, kernelRegularizer);
  m.compile({ optimizer: adam(0.01), loss: 'mse', ...(regularization === undefined ? {} : { regularization }) });
  const history = await m.fit(X, Y, { epochs: 60, batchSize: 32, seed: 1, verbose: 0 });
  const logs = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v.at(-1)!]));
  return { m, logs, norms: columnNorms(m, `${name}_hidden`) };
}

const pruned = (norms: number[]): number => norms.filter((n) => n < 0.05).length;

describe('group lasso in a model', () => {
  let baseline: Awaited<ReturnType<typeof train>>;
  beforeAll(async () => {
    baseline = await train('plain');
  });

  it('without it, every hidden unit keeps its weights', () => {
    expect(baseline.logs['data_loss']).toBeLessThan(1e-3);
    expect(Math.min(...baseline.norms)).toBeGreaterThan(0.3);
    expect(pruned(baseline.norms)).toBe(0);
  });

  it("kernelRegularizer: 'groupLasso' switches whole hidden units off, and the model still fits", async () => {
    const { m, logs, norms } = await train('per_layer', 'groupLasso');
    expect(pruned(norms)).toBeGreaterThanOrEqual(4);
    expect(norms.reduce((a, b) => a + b)).toBeLessThan(0.3 * baseline.norms.reduce((a, b) => a + b));
    expect(logs['data_loss']).toBeLessThan(5e-3);
    expect(logs).toHaveProperty('penalty/per_layer_hidden/kernel');
    expect(m.penalties().terms.map((t) => [t.path, t.regularizer, t.source])).toEqual([
      ['per_layer_hidden/kernel', 'ridge-regularizer-group-lasso>GroupLasso', 'layer'],
    ]);
    m.dispose();
  });

  it("compile({ regularization: { regularizer: 'groupLasso', include: 'kernels' } }) does the same for every kernel", async () => {
    const { m, logs, norms } = await train('per_model', undefined, { regularizer: 'groupLasso', include: 'kernels' });
    expect(pruned(norms)).toBeGreaterThanOrEqual(4);
    expect(logs['data_loss']).toBeLessThan(5e-3);
    expect(m.penalties().terms.map((t) => [t.path, t.source])).toEqual([
      ['per_model_hidden/kernel', 'model'],
      ['per_model_out/kernel', 'model'],
    ]);
    // the penalty in the log is factor * the sum of the column norms of both kernels
    const expected = 0.01 * (norms.reduce((a, b) => a + b) + columnNorms(m, 'per_model_out').reduce((a, b) => a + b));
    expect(m.penalties().total).toBeCloseTo(expected, 5);
    m.dispose();
  });
});
