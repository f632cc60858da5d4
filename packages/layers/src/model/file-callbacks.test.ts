import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RidgeError } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caught, useCpu } from '../../test/setup.js';
import { csvLogger, dense, input, loadModel, model, modelCheckpoint, type Model } from '../index.js';

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

function line(name: string): Model {
  const inp = input({ shape: [1], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, useBias: false, name, kernelInitializer: 'zeros' }).apply(inp) });
  m.compile({ optimizer: sgd(0.1), loss: 'mse' });
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
