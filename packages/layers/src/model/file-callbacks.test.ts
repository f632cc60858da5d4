import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RidgeError } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedWeights } from '../../test/fixtures.js';
import { values } from '../../test/io-fixtures.js';
import { caught, useCpu } from '../../test/setup.js';
import { csvLogger, dense, input, loadModel, model, modelCheckpoint, type Callback, type Model } from '../index.js';

useCpu();

/**
 * y = w x with w starting at 0, trained with SGD (lr 0.1) on X, Y: the loss is
 * mean((w x - y)^2) = 2.5 (w - 2)^2 and its gradient 5 (w - 2). In one full batch per epoch,
 * w goes 0 -> 1 -> 1.5 -> 1.75, and the epoch losses (computed before each update) are
 * 2.5 * 4 = 10, 2.5 * 1 = 2.5 and 2.5 * 0.25 = 0.625.
 */
const X = [[1], [2]];
const Y = [[2], [4]];
const W_AFTER = [1, 1.5, 1.75];
const LOSSES = [10, 2.5, 0.625];

function line(name: string, learningRate = 0.1): Model {
  const inp = input({ shape: [1], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, useBias: false, name, kernelInitializer: 'zeros' }).apply(inp) });
  m.compile({ optimizer: sgd(learningRate), loss: 'mse' });
  return m;
}

async function kernelOf(url: string): Promise<number> {
  const loaded = await loadModel(url);
  const [w] = loaded.getWeights();
  const value = w!.dataSync()[0]!;
  tf.dispose(loaded.getWeights());
  loaded.dispose();
  return value;
}

/** Tensors a fit leaves behind (its optimizer's state); the same with and without a callback means no leak. */
async function tensorsKeptByFit(fit: () => Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  await fit();
  return tf.memory().numTensors - before;
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-file-callbacks-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('modelCheckpoint', () => {
  it('saves after every epoch to a path filled from the logs ({epoch:02d}, {loss:.3f}), each with that epoch\'s weights', async () => {
    const m = line('ck_every');
    const ck = modelCheckpoint({ filepath: `file://${dir}/ckpt-{epoch:02d}-{loss:.3f}` });
    const grown = await tensorsKeptByFit(() => m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, callbacks: [ck] }));
    const ref = line('ck_every_ref');
    expect(grown).toBe(await tensorsKeptByFit(() => ref.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 })));
    ref.dispose();
    const expected = LOSSES.map((loss, i) => `file://${dir}/ckpt-0${i + 1}-${loss.toFixed(3)}`);
    expect(ck.saved).toEqual(expected);
    expect(expected.map((u) => path.basename(u))).toEqual(['ckpt-01-10.000', 'ckpt-02-2.500', 'ckpt-03-0.625']);
    for (const [i, url] of expected.entries()) expect(await kernelOf(url)).toBeCloseTo(W_AFTER[i]!, 5);
    m.dispose();
  });

  it('saveBestOnly with initialValueThreshold: saves only the epochs that beat the best so far, to one path', async () => {
    const m = line('ck_best');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    // Losses 10, 2.5, 0.625 against a threshold of 3: epoch 1 does not beat it, 2 and 3 do.
    const ck = modelCheckpoint({ filepath: `file://${dir}/best`, monitor: 'loss', saveBestOnly: true, initialValueThreshold: 3, verbose: 1 });
    await m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, callbacks: [ck] });
    expect(ck.saved).toEqual([`file://${dir}/best`, `file://${dir}/best`]);
    expect(ck.best).toBeCloseTo(0.625, 5);
    expect(await kernelOf(`file://${dir}/best`)).toBeCloseTo(W_AFTER[2]!, 5);
    const lines = log.mock.calls.map((c) => String(c[0]));
    expect(lines[0]).toBe('Epoch 1: loss did not improve from 3.00000');
    expect(lines[1]).toBe(`Epoch 2: loss improved from 3.00000 to 2.50000, saving model to file://${dir}/best`);
    m.dispose();
  });

  it("mode 'max' on a falling loss saves the first epoch only, and the best carries over to the next fit as Keras keeps it", async () => {
    const m = line('ck_max');
    const ck = modelCheckpoint({ filepath: `file://${dir}/max-{epoch}`, monitor: 'loss', mode: 'max', saveBestOnly: true });
    await m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, callbacks: [ck] });
    expect(ck.saved).toEqual([`file://${dir}/max-1`]);
    // The next fit starts at w = 1.75 with a loss of 2.5 * 0.25^2 = 0.15625 < 10: nothing new is saved.
    await m.fit(X, Y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: [ck] });
    expect(ck.saved).toEqual([`file://${dir}/max-1`]);
    expect(ck.best).toBeCloseTo(10, 5);
    m.dispose();
  });

  it('saveFreq N saves after every N batches, counting across epochs, with {batch} from 1', async () => {
    const m = line('ck_batches');
    // Two batches of one sample per epoch, three epochs: six batches overall. The 3rd is epoch 2's
    // first batch, the 6th epoch 3's second.
    const ck = modelCheckpoint({ filepath: `file://${dir}/e{epoch}-b{batch}`, saveFreq: 3 });
    await m.fit(X, Y, { epochs: 3, batchSize: 1, shuffle: false, verbose: 0, callbacks: [ck] });
    expect(ck.saved).toEqual([`file://${dir}/e2-b1`, `file://${dir}/e3-b2`]);
    expect((await readdir(dir)).sort()).toEqual(['e2-b1', 'e3-b2']);
    m.dispose();
  });

  it('a monitor missing from the logs: one warning, and it saves every epoch as Keras does', async () => {
    const m = line('ck_missing');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ck = modelCheckpoint({ filepath: `file://${dir}/m{epoch}`, saveBestOnly: true });
    await m.fit(X, Y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [ck] });
    expect(ck.saved).toEqual([`file://${dir}/m1`, `file://${dir}/m2`]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/'val_loss' is not|'val_loss' in the logs/);
    m.dispose();
  });

  it('formats {loss:.2e} with a two-digit exponent and {epoch:3d} padded with spaces, as Python does', async () => {
    const m = line('ck_format');
    const ck = modelCheckpoint({ filepath: `file://${dir}/{epoch:3d}_{loss:.2e}_{{x}}` });
    await m.fit(X, Y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [ck] });
    // Python: '{:3d}'.format(1) == '  1', '{:.2e}'.format(10.0) == '1.00e+01'.
    expect(ck.saved).toEqual([`file://${dir}/  1_1.00e+01_{x}`]);
    m.dispose();
  });

  it("formats {loss:.4} (a precision, no type) as Python's format(): significant digits, fixed or 1.2e+03", async () => {
    const ck = modelCheckpoint({ filepath: 'mem://{loss:.4}_{loss:.2}_{loss:.1}' });
    ck.setModel({ stopTraining: false, getWeights: () => [], setWeights: () => {}, save: async () => undefined } as never);
    const losses = [3.437846374511719, 1234.56, 0.000123456, 100, -0.0123456, 99.99, 0];
    for (const [epoch, loss] of losses.entries()) await ck.onEpochEnd(epoch, { loss });
    // Python 3: [format(v, f'.{p}') for p in (4, 2, 1)] for each v: like 'g', but scientific from an
    // exponent of p - 1 on, and at least one digit after the point in fixed notation. (No value
    // here is an exact decimal tie, where Python rounds half to even and JavaScript half up.)
    expect(ck.saved).toEqual([
      'mem://3.438_3.4_3e+00',
      'mem://1.235e+03_1.2e+03_1e+03',
      'mem://0.0001235_0.00012_0.0001',
      'mem://100.0_1e+02_1e+02',
      'mem://-0.01235_-0.012_-0.01',
      'mem://99.99_1e+02_1e+02',
      'mem://0.0_0.0_0e+00',
    ]);
  });

  it("formats a plain {loss} as Python prints a float (1e-05, 10.0, nan), and {epoch} as an integer", async () => {
    const ck = modelCheckpoint({ filepath: 'mem://{epoch}_{loss}_{loss:.2f}' });
    ck.setModel({ stopTraining: false, getWeights: () => [], setWeights: () => {}, save: async () => undefined } as never);
    const losses = [1e-5, 10, 0.25, 1.5e-7, 1e20, 0.1 + 0.2, -0, Number.NaN, Number.POSITIVE_INFINITY];
    for (const [epoch, loss] of losses.entries()) await ck.onEpochEnd(epoch, { loss });
    // Python 3: format(v, '') is repr(v) (scientific below 1e-4 and from 1e16 on, '.0' on whole
    // numbers), and format(v, '.2f') writes nan and inf in lower case.
    expect(ck.saved).toEqual([
      'mem://1_1e-05_0.00',
      'mem://2_10.0_10.00',
      'mem://3_0.25_0.25',
      'mem://4_1.5e-07_0.00',
      'mem://5_1e+20_100000000000000000000.00',
      'mem://6_0.30000000000000004_0.30',
      'mem://7_-0.0_-0.00',
      'mem://8_nan_nan',
      'mem://9_inf_inf',
    ]);
  });

  it('refuses bad arguments before training, naming the argument and the value', async () => {
    const cases: [unknown, RegExp][] = [
      [{ filepath: `file://${dir}/{epoch:x}` }, /filepath .*\{epoch:x\}/],
      [{ filepath: `file://${dir}/{epoch` }, /never closed/],
      [{ filepath: `file://${dir}/a}b` }, /single '\}'/],
      [{ filepath: `file://${dir}/{epoch:.2d}` }, /precision for an integer/],
      [{ filepath: '' }, /filepath must be/],
      [{ filepath: 'file://x', saveFreq: 0 }, /saveFreq must be 'epoch' or an integer > 0.*received 0/],
      [{ filepath: 'file://x', mode: 'up' }, /mode must be .*received "up"/],
      [{ filepath: 'file://x', save_best_only: true }, /save_best_only.*saveBestOnly/],
      [{ filepath: 'file://x', initialValueThreshold: Number.NaN }, /initialValueThreshold/],
    ];
    for (const [args, message] of cases) {
      const error = await caught(() => modelCheckpoint(args as never));
      expect(error, JSON.stringify(args)).toBeInstanceOf(RidgeError);
      expect((error as RidgeError).code).toBe('INVALID_ARGUMENT');
      expect((error as RidgeError).message).toMatch(message);
    }
  });

  it('refuses save options that model.save() would refuse, before training, so no checkpoint goes without its optimizer', async () => {
    const typo = await caught(() => modelCheckpoint({ filepath: `file://${dir}/ck`, saveOptions: { includeOptimzer: true } as never }));
    expect(typo).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^modelCheckpoint: saveOptions: unknown option "includeOptimzer" \(did you mean 'includeOptimizer'\?\)/) });
    const notBoolean = await caught(() => modelCheckpoint({ filepath: `file://${dir}/ck`, saveOptions: { includeOptimizer: 1 as never } }));
    expect(notBoolean).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'includeOptimizer' } });
    const format = await caught(() => modelCheckpoint({ filepath: `file://${dir}/ck`, saveOptions: { format: 'keras' as never } }));
    expect(format).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'format' } });
  });

  it('a field that is not in the logs fails the fit with a RidgeError naming it, and leaks nothing', async () => {
    const m = line('ck_badkey');
    // The optimizer's state is made at the first step: train once so that only a leak could add tensors.
    await m.fit(X, Y, { epochs: 1, batchSize: 2, verbose: 0 });
    const before = tf.memory().numTensors;
    const error = await caught(() => m.fit(X, Y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [modelCheckpoint({ filepath: `file://${dir}/{val_acc:.2f}` })] }));
    expect(error).toBeInstanceOf(RidgeError);
    expect((error as RidgeError).message).toMatch(/\{val_acc\}, which is not in this step's logs; available: epoch, .*loss/);
    expect(tf.memory().numTensors).toBe(before);
    expect(await readdir(dir)).toEqual([]);
    m.dispose();
  });
});

/** 3 -> 4 (tanh) -> 2, with weights from `seed`; the layer names differ from model to model. */
function mlp(seed: number): Model {
  const inp = input({ shape: [3] });
  const h = dense({ units: 4, activation: 'tanh' }).apply(inp);
  const m = model({ inputs: inp, outputs: dense({ units: 2 }).apply(h) });
  seedWeights(m, seed, 0.5);
  m.compile({ optimizer: sgd(0.1), loss: 'mse' });
  return m;
}

/** The kernel of a fresh `line` model after `loadWeights(url)`. */
async function kernelLoaded(url: string): Promise<number> {
  const fresh = line('ck_fresh');
  await fresh.loadWeights(url);
  const value = fresh.weights[0]!.variable.dataSync()[0]!;
  fresh.dispose();
  return value;
}

/** A callback that records the model's predictions on `probe` at every epoch's end. */
function predictionsAt(m: Model, probe: tf.Tensor): { recorder: Callback; byEpoch: number[][] } {
  const byEpoch: number[][] = [];
  return { byEpoch, recorder: { onEpochEnd: (epoch) => void (byEpoch[epoch] = values(m.predict(probe))[0]!) } };
}

describe('modelCheckpoint({ saveWeightsOnly: true })', () => {
  const X6 = [[1, 0, -1], [0.5, 2, 0], [-1, 1, 1], [2, -0.5, 0.5], [0, 0, 1], [1, 1, 1]];
  const Y6 = [[1, 0], [0, 1], [1, 1], [0, 0], [0.5, 0.5], [1, -1]];

  it('saves the weights alone after every epoch; each file, loaded into a fresh model, predicts as the model did at that epoch', async () => {
    const m = mlp(11);
    const probe = tf.tensor2d([[0.5, -1, 2], [1, 0, -0.5]]);
    const { recorder, byEpoch } = predictionsAt(m, probe);
    const ck = modelCheckpoint({ filepath: `file://${dir}/w-{epoch:02d}`, saveWeightsOnly: true });
    expect(ck.saveWeightsOnly).toBe(true);
    const fit = (target: Model, callbacks: Callback[]) => () => target.fit(X6, Y6, { epochs: 3, batchSize: 3, shuffle: false, verbose: 0, callbacks });
    const grown = await tensorsKeptByFit(fit(m, [ck, recorder]));
    const ref = mlp(11);
    expect(grown).toBe(await tensorsKeptByFit(fit(ref, [])));
    ref.dispose();
    const urls = [1, 2, 3].map((e) => `file://${dir}/w-0${e}`);
    expect(ck.saved).toEqual(urls);
    expect((await readdir(dir)).sort()).toEqual(['w-01', 'w-02', 'w-03']);
    // The epochs differ, so a file holding another epoch's weights could not pass.
    expect(byEpoch[0]).not.toEqual(byEpoch[2]);
    for (const [epoch, url] of urls.entries()) {
      const where = url.slice('file://'.length);
      // saveWeights' files, not save()'s: no model.json, and no optimizer state unless asked for.
      expect((await readdir(where)).sort()).toEqual(['model.weights.bin', 'model.weights.json']);
      const json = JSON.parse(await readFile(path.join(where, 'model.weights.json'), 'utf8'));
      expect(json.format).toBe('layers-weights');
      expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name.split('/')[1])).toEqual(['kernel', 'bias', 'kernel', 'bias']);
      const fresh = mlp(100 + epoch);
      expect(values(fresh.predict(probe))[0]).not.toEqual(byEpoch[epoch]);
      const before = tf.memory().numTensors;
      await fresh.loadWeights(url);
      expect(values(fresh.predict(probe))[0]).toEqual(byEpoch[epoch]);
      expect(tf.memory().numTensors).toBe(before);
      fresh.dispose();
    }
    probe.dispose();
    m.dispose();
  });

  it('saveBestOnly writes only the epochs that improve the monitored value (val_loss falls, then rises)', async () => {
    // With SGD at 0.3 the step is w -= 0.3 * 5 (w - 2), so w goes 0 -> 3 -> 1.5 -> 2.25 -> 1.875.
    // Validated on y = 1.6 x at x = 1, val_loss = (w - 1.6)^2 = 1.96, 0.01, 0.4225, 0.075625:
    // only epochs 1 and 2 improve on the best so far.
    const W = [3, 1.5, 2.25, 1.875];
    const m = line('ck_best_w', 0.3);
    const probe = tf.tensor2d([[1], [2]]);
    const { recorder, byEpoch } = predictionsAt(m, probe);
    const ck = modelCheckpoint({ filepath: `file://${dir}/v-{epoch}`, saveWeightsOnly: true, saveBestOnly: true });
    const h = await m.fit(X, Y, { epochs: 4, batchSize: 2, shuffle: false, verbose: 0, validationData: [[[1]], [[1.6]]], callbacks: [ck, recorder] });
    W.forEach((w, i) => expect(h.history['val_loss']![i]).toBeCloseTo((w - 1.6) ** 2, 5));
    expect(ck.saved).toEqual([`file://${dir}/v-1`, `file://${dir}/v-2`]);
    expect((await readdir(dir)).sort()).toEqual(['v-1', 'v-2']);
    expect(ck.best).toBeCloseTo(0.01, 5);
    expect(await kernelLoaded(`file://${dir}/v-1`)).toBe(W[0]);
    expect(await kernelLoaded(`file://${dir}/v-2`)).toBe(W[1]);
    // The predictions recorded at epoch 2 are w x with w = 1.5.
    expect(byEpoch[1]).toEqual([1.5, 3]);
    probe.dispose();
    m.dispose();
  });

  it('saveBestOnly to one path: after each epoch the file holds the best epoch so far', async () => {
    // Losses 10, 2.5, 0.625 against a threshold of 3: epoch 1 is not saved, 2 and 3 are.
    const m = line('ck_best_one');
    const url = `file://${dir}/best`;
    const inFile: (number | 'none')[] = [];
    const reader: Callback = { onEpochEnd: async () => void inFile.push(ck.saved.length === 0 ? 'none' : await kernelLoaded(url)) };
    const ck = modelCheckpoint({ filepath: url, monitor: 'loss', saveWeightsOnly: true, saveBestOnly: true, initialValueThreshold: 3 });
    await m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, callbacks: [ck, reader] });
    expect(inFile).toEqual(['none', W_AFTER[1], W_AFTER[2]]);
    m.dispose();
  });

  it('saveFreq N saves the weights after every N batches', async () => {
    const m = line('ck_batches_w');
    const ck = modelCheckpoint({ filepath: `file://${dir}/e{epoch}-b{batch}`, saveWeightsOnly: true, saveFreq: 3 });
    await m.fit(X, Y, { epochs: 3, batchSize: 1, shuffle: false, verbose: 0, callbacks: [ck] });
    // One sample per step: the loss (w x - 2 x)^2 has the gradient 2 x^2 (w - 2), so each step is
    // w -= 0.1 * 2 x^2 (w - 2) with x = 1, 2, 1, 2, ... The 3rd and 6th steps are saved.
    const w: number[] = [];
    let now = 0;
    for (let step = 0; step < 6; step++) {
      const x = X[step % 2]![0]!;
      now -= 0.1 * 2 * x * x * (now - 2);
      w.push(now);
    }
    expect(ck.saved).toEqual([`file://${dir}/e2-b1`, `file://${dir}/e3-b2`]);
    expect(await kernelLoaded(`file://${dir}/e2-b1`)).toBeCloseTo(w[2]!, 5);
    expect(await kernelLoaded(`file://${dir}/e3-b2`)).toBeCloseTo(w[5]!, 5);
    m.dispose();
  });

  it('with saveOptions { includeOptimizer: true } the file holds the step count, and training resumes from it', async () => {
    const m = line('ck_resume');
    const ck = modelCheckpoint({ filepath: `file://${dir}/r{epoch}`, saveWeightsOnly: true, saveOptions: { includeOptimizer: true } });
    await m.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, callbacks: [ck] });
    const json = JSON.parse(await readFile(path.join(dir, 'r1', 'model.weights.json'), 'utf8'));
    expect(json.weightsManifest[0].weights.filter((w: { group?: string }) => w.group === 'optimizer').map((w: { name: string }) => w.name)).toContain('iterations');
    const fresh = line('ck_resumed');
    await fresh.loadWeights(`file://${dir}/r1`);
    expect(fresh.optimizer!.iterations).toBe(1);
    // From epoch 1's w = 1, one more epoch gives epoch 2's w = 1.5.
    await fresh.fit(X, Y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    expect(fresh.weights[0]!.variable.dataSync()[0]).toBeCloseTo(W_AFTER[1]!, 6);
    fresh.dispose();
    m.dispose();
  });

  it('refuses bad values at construction, naming the option and the value', async () => {
    const cases: [unknown, RegExp, string][] = [
      [{ filepath: 'file://x', saveWeightsOnly: 'yes' }, /^modelCheckpoint: saveWeightsOnly must be true or false; received "yes"/, 'saveWeightsOnly'],
      [{ filepath: 'file://x', saveWeightsOnly: 1 }, /saveWeightsOnly must be true or false; received 1/, 'saveWeightsOnly'],
      [{ filepath: 'file://x', save_weights_only: true }, /unknown option "save_weights_only" \(did you mean 'saveWeightsOnly'\?\)/, 'save_weights_only'],
      [
        { filepath: 'file://x', saveWeightsOnly: true, saveOptions: { format: 'tfjs-layers' } },
        /^modelCheckpoint: saveOptions \(for saveWeights, as saveWeightsOnly is true\): unknown option "format"; options: includeOptimizer\./,
        'format',
      ],
      [{ filepath: 'file://x', saveWeightsOnly: true, saveOptions: { includeOptimizer: 'yes' } }, /includeOptimizer must be true or false; received "yes"/, 'includeOptimizer'],
      [{ filepath: 'file://x', saveWeightsOnly: true, saveOptions: [] }, /saveOptions must be the options object model.saveWeights\(\) takes/, 'saveOptions'],
    ];
    for (const [args, message, argument] of cases) {
      const error = await caught(() => modelCheckpoint(args as never));
      expect(error, JSON.stringify(args)).toBeInstanceOf(RidgeError);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument } });
      expect((error as RidgeError).message).toMatch(message);
    }
    // The same saveOptions are save()'s without saveWeightsOnly.
    expect(modelCheckpoint({ filepath: 'file://x', saveOptions: { format: 'tfjs-layers' } }).saveWeightsOnly).toBe(false);
  });

  it('refuses a model without saveWeights when it is set, before training', async () => {
    const ck = modelCheckpoint({ filepath: 'mem://w', saveWeightsOnly: true });
    const fake = { stopTraining: false, getWeights: () => [], setWeights: () => {}, save: async () => undefined };
    const error = await caught(() => ck.setModel(fake as never));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'model' } });
    expect((error as RidgeError).message).toContain('modelCheckpoint: model must be a Ridge model (one with saveWeights()) with saveWeightsOnly');
    // Without saveWeightsOnly the same model is fine.
    modelCheckpoint({ filepath: 'mem://w' }).setModel(fake as never);
  });
});

describe('csvLogger', () => {
  it('writes a header (epoch, then the log keys sorted) and one row per epoch, equal to the history', async () => {
    const m = line('csv_rows');
    const file = path.join(dir, 'log.csv');
    const h = await m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, callbacks: [csvLogger({ filename: file })] });
    const rows = (await readFile(file, 'utf8')).split('\r\n');
    expect(rows.pop()).toBe('');
    const keys = Object.keys(h.history).sort();
    expect(keys).toContain('loss');
    expect(keys).toContain('data_loss');
    expect(rows[0]).toBe(['epoch', ...keys].join(','));
    expect(rows.length).toBe(4);
    for (let e = 0; e < 3; e++) {
      const cells = rows[e + 1]!.split(',');
      expect(cells[0]).toBe(String(e));
      keys.forEach((k, j) => expect(Number(cells[j + 1])).toBe(h.history[k]![e]));
      expect(Number(cells[keys.indexOf('loss') + 1])).toBeCloseTo(LOSSES[e]!, 4);
    }
    m.dispose();
  });

  it('append keeps the file and its header; without append a new fit replaces it; a separator', async () => {
    const m = line('csv_append');
    const file = path.join(dir, 'log.tsv');
    await writeFile(file, 'old\r\n');
    await m.fit(X, Y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [csvLogger({ filename: file, separator: '\t' })] });
    let rows = (await readFile(file, 'utf8')).split('\r\n').filter((r) => r !== '');
    expect(rows.length).toBe(2);
    expect(rows[0]!.startsWith('epoch\t')).toBe(true);
    await m.fit(X, Y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [csvLogger({ filename: file, separator: '\t', append: true })] });
    rows = (await readFile(file, 'utf8')).split('\r\n').filter((r) => r !== '');
    expect(rows.length).toBe(4);
    expect(rows.filter((r) => r.startsWith('epoch\t')).length).toBe(1);
    expect(rows.slice(1).map((r) => r.split('\t')[0])).toEqual(['0', '0', '1']);
    // Appending to a file that does not exist yet writes its header first.
    const fresh = path.join(dir, 'fresh.csv');
    await m.fit(X, Y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [csvLogger({ filename: fresh, append: true })] });
    expect((await readFile(fresh, 'utf8')).startsWith('epoch,')).toBe(true);
    m.dispose();
  });

  it('writes NA for a key an epoch does not have', async () => {
    const file = path.join(dir, 'na.csv');
    const logger = csvLogger({ filename: file });
    await logger.onTrainBegin();
    await logger.onEpochEnd(0, { b: 1, a: 2 });
    await logger.onEpochEnd(1, { a: 3 });
    expect(await readFile(file, 'utf8')).toBe('epoch,a,b\r\n0,2,1\r\n1,3,NA\r\n');
  });

  it('refuses bad arguments, naming them', async () => {
    for (const [args, message] of [
      [{}, /filename must be/],
      [{ filename: 'x.csv', separator: ';;' }, /separator must be one character/],
      [{ filename: 'x.csv', append: 'yes' }, /append must be true or false; received "yes"/],
      [{ filename: 'x.csv', sep: ';' }, /unknown option "sep"/],
    ] as [unknown, RegExp][]) {
      const error = await caught(() => csvLogger(args as never));
      expect(error, JSON.stringify(args)).toBeInstanceOf(RidgeError);
      expect((error as RidgeError).message).toMatch(message);
    }
  });
});
