#!/usr/bin/env node
// The opt-in long run of issue 9 (not part of `pnpm test`): a few hundred epochs on a small,
// fully regularized model, then many short fit/evaluate/predict/penalties cycles with two refused
// calls in each (one before training, one inside a training step), checking that tf.memory()
// (tensors and bytes) stays flat throughout.
//
//   node --expose-gc tests/reliability/long-run.mjs [--epochs 300] [--cycles 100] [--backend cpu|wasm] [--json]
//
// It bundles the Ridge sources (the `@ridge/source` export condition, so no build is needed) with
// esbuild into tests/node_modules/.cache/, keeping @tensorflow/* external so that there is one
// tfjs-core, then runs the bundle. Exit code 0 when memory stayed flat, 1 when it grew.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const testsDir = join(here, '..');
const outDir = join(testsDir, 'node_modules', '.cache', 'ridge-long-run');
mkdirSync(outDir, { recursive: true });

const entry = String.raw`
import '@ridge/backend/cpu';
import '@ridge/backend/wasm';
import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { batchNormalization, dense, dropout, input, model, terminateOnNaN } from '@ridge/layers';
import { l1, l2, l1l2 } from '@ridge/regularizers';
import { adam } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';

export async function run({ epochs, cycles, backend }) {
  const info = await initBackend({ prefer: backend, log: false });
  // Seeded data: 256 samples of 20 features, 3 classes from a fixed linear rule.
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const n = 256;
  const xs = Array.from({ length: n }, () => Array.from({ length: 20 }, rand));
  const ys = xs.map((row) => {
    const scores = [0, 1, 2].map((k) => row.reduce((a, v, j) => a + v * Math.sin(j + 3 * k), 0));
    const best = scores.indexOf(Math.max(...scores));
    return [0, 1, 2].map((k) => (k === best ? 1 : 0));
  });
  const x = tf.tensor2d(xs);
  const y = tf.tensor2d(ys);

  const inp = input({ shape: [20], name: 'long_in' });
  let h = dense({ units: 32, activation: 'tanh', name: 'long_dense_1', kernelRegularizer: l2(1e-3), biasRegularizer: l1(1e-4), activityRegularizer: l2(1e-5) }).apply(inp);
  h = dropout({ rate: 0.1, name: 'long_dropout' }).apply(h);
  h = batchNormalization({ name: 'long_bn', gammaRegularizer: 'l2' }).apply(h);
  const out = dense({ units: 3, activation: 'softmax', name: 'long_out' }).apply(h);
  const m = model({ inputs: inp, outputs: out });
  m.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'], regularization: { regularizer: l1l2({ l1: 1e-5, l2: 1e-4 }), include: 'kernels', onConflict: 'add' } });

  // Warm-up: the first step creates the optimizer's slots and constants.
  await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  const mem = () => ({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes });
  const start = mem();
  // With node --expose-gc, the heap is measured after a full collection (else it is only indicative).
  const heap = () => (globalThis.gc?.(), process.memoryUsage().heapUsed);
  const heapStart = heap();
  const t0 = performance.now();

  // Phase 1: one long fit. Inside it, the count at each epoch end must not move.
  const perEpoch = [];
  const history = await m.fit(x, y, {
    epochs, batchSize: 32, validationSplit: 0.2, verbose: 0, seed: 7,
    callbacks: [terminateOnNaN({ restoreLastGood: true }), { onEpochEnd: () => void perEpoch.push(mem()) }],
  });
  const afterFit = mem();

  // Phase 2: short cycles of everything a user does, with one refused call in each.
  const perCycle = [];
  const bad = [[1, 2, 3]];
  for (let c = 0; c < cycles; c++) {
    await m.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
    await m.evaluate(x, y, { batchSize: 100 });
    tf.dispose(m.predict(x, { batchSize: 50 }));
    m.penalties(x);
    try {
      await m.fit(bad, [[1, 0, 0]], { verbose: 0 });
    } catch {
      // refused before training: SHAPE_MISMATCH on x
    }
    try {
      await m.fit([xs[0]], [[1, 0]], { verbose: 0 });
    } catch {
      // refused inside the training step (the loss sees y of the wrong width), on the gradient tape
    }
    perCycle.push(mem());
  }
  const end = mem();
  const seconds = (performance.now() - t0) / 1000;
  const losses = history.history['loss'];
  const result = {
    backend: info.name,
    epochs: history.epoch.length,
    cycles,
    seconds: Number(seconds.toFixed(1)),
    start,
    afterLongFit: afterFit,
    end,
    epochEnd: { first: perEpoch[0], last: perEpoch[perEpoch.length - 1], min: Math.min(...perEpoch.map((p) => p.tensors)), max: Math.max(...perEpoch.map((p) => p.tensors)) },
    cycleEnd: { min: Math.min(...perCycle.map((p) => p.tensors)), max: Math.max(...perCycle.map((p) => p.tensors)), maxBytes: Math.max(...perCycle.map((p) => p.bytes)) },
    loss: { first: losses[0], last: losses[losses.length - 1] },
    valLoss: { first: history.history['val_loss'][0], last: history.history['val_loss'].at(-1) },
    accuracy: { first: history.history['accuracy'][0], last: history.history['accuracy'].at(-1) },
    heapMB: { start: Number((heapStart / 2 ** 20).toFixed(1)), end: Number((heap() / 2 ** 20).toFixed(1)), collected: typeof globalThis.gc === 'function' },
  };
  tf.dispose([x, y]);
  m.dispose();
  result.flat =
    end.tensors === start.tensors && end.bytes === start.bytes && afterFit.tensors === start.tensors && afterFit.bytes === start.bytes &&
    result.epochEnd.min === result.epochEnd.max && result.cycleEnd.min === result.cycleEnd.max;
  return result;
}
`;

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const epochs = Number(option('epochs', '300'));
const cycles = Number(option('cycles', '100'));
const backend = option('backend', 'cpu');
if (!Number.isInteger(epochs) || epochs < 1 || !Number.isInteger(cycles) || cycles < 0) {
  console.error('usage: node tests/reliability/long-run.mjs [--epochs N>=1] [--cycles N>=0] [--backend cpu|wasm] [--json]');
  process.exit(2);
}

const outfile = join(outDir, 'long-run.bundle.mjs');
await build({
  stdin: { contents: entry, resolveDir: here, loader: 'ts', sourcefile: 'long-run-entry.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@ridge/source'],
  external: ['@tensorflow/*'],
  outfile,
  logLevel: 'error',
});

const { run } = await import(pathToFileURL(outfile).href);
const result = await run({ epochs, cycles, backend });
if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
else {
  const line = (label, a, b) => console.log(`${label.padEnd(34)} ${String(a).padStart(12)} ${String(b).padStart(14)}`);
  console.log(`Ridge long run on ${result.backend}: ${result.epochs} epochs in one fit, then ${result.cycles} fit/evaluate/predict/penalties cycles (${result.seconds} s)`);
  line('', 'tensors', 'bytes');
  line('after warm-up (baseline)', result.start.tensors, result.start.bytes);
  line(`after the ${result.epochs}-epoch fit`, result.afterLongFit.tensors, result.afterLongFit.bytes);
  line(`after ${result.cycles} cycles (end)`, result.end.tensors, result.end.bytes);
  line('at epoch ends inside the fit (min/max)', `${result.epochEnd.min}/${result.epochEnd.max}`, '');
  line('after each cycle (min/max)', `${result.cycleEnd.min}/${result.cycleEnd.max}`, result.cycleEnd.maxBytes);
  console.log(`loss ${result.loss.first.toFixed(4)} -> ${result.loss.last.toFixed(4)}, val_loss ${result.valLoss.first.toFixed(4)} -> ${result.valLoss.last.toFixed(4)}, accuracy ${result.accuracy.first.toFixed(3)} -> ${result.accuracy.last.toFixed(3)}; JS heap ${result.heapMB.start} -> ${result.heapMB.end} MB${result.heapMB.collected ? ' (after gc)' : ' (run with node --expose-gc to measure after gc)'}`);
  console.log(result.flat ? 'FLAT: no tensor or byte growth.' : 'GROWTH: tensors or bytes did not stay flat.');
}
process.exit(result.flat ? 0 : 1);
