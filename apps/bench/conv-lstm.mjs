// ConvLSTM2D training throughput, Ridge against tfjs-layers 4.22, in one process on one backend,
// from the same initial weights and data (see README.md, "ConvLSTM2D"). After `pnpm build`:
//   node apps/bench/conv-lstm.mjs cpu
//   node apps/bench/conv-lstm.mjs wasm
import { initBackend } from '@ridge/backend';
import { convLstm2d, dense, flatten, input, model } from '@ridge/layers';
import '@ridge/losses';
import '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const backend = process.argv[2] ?? 'cpu';
const rounds = Number(process.argv[3] ?? 5);
await initBackend({ prefer: backend, log: false });

const SHAPE = [6, 12, 12, 1];
const SAMPLES = backend === 'wasm' ? 256 : 128;
const BATCH = 32;
const compile = { optimizer: 'adam', loss: 'categoricalCrossentropy' };

const inp = input({ shape: SHAPE });
const h = convLstm2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'clstm' }).apply(inp);
const ridge = model({ inputs: inp, outputs: dense({ units: 10, activation: 'softmax', name: 'out' }).apply(flatten().apply(h)) });
ridge.compile(compile);

const theirs = tfl.sequential();
// tfjs-layers' default recurrent activation is its hard sigmoid; Keras's and Ridge's is sigmoid.
theirs.add(tfl.layers.convLstm2d({ inputShape: SHAPE, filters: 8, kernelSize: 3, padding: 'same', recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }));
theirs.add(tfl.layers.flatten());
theirs.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
theirs.compile(compile);
const weights = ridge.getWeights();
theirs.setWeights(weights);
tf.dispose(weights);

const x = tf.randomUniform([SAMPLES, ...SHAPE], 0, 1, 'float32', 1);
// One-hot labels built in JavaScript (tfjs-backend-wasm 4.22's OneHot gives zeros for float32).
const labels = new Float32Array(SAMPLES * 10);
for (let i = 0; i < SAMPLES; i++) labels[i * 10 + ((i * 7 + 3) % 10)] = 1;
const y = tf.tensor2d(labels, [SAMPLES, 10]);
const fitArgs = { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 };

async function epoch(m) {
  const start = performance.now();
  await m.fit(x, y, fitArgs);
  return SAMPLES / ((performance.now() - start) / 1000);
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const runs = { ridge: [], tfl: [] };
let tflError;
for (let r = -1; r < rounds; r++) {
  // Round -1 is the warm-up; the order alternates so that neither library always follows the other.
  const order = r % 2 === 0 ? ['ridge', 'tfl'] : ['tfl', 'ridge'];
  for (const lib of order) {
    if (lib === 'tfl' && tflError) continue;
    try {
      const sps = await epoch(lib === 'ridge' ? ridge : theirs);
      if (r >= 0) runs[lib].push(sps);
    } catch (error) {
      tflError = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
  }
}
const line = (lib, v) => `${lib.padEnd(12)} ${v.length ? `${median(v).toFixed(1)} samples/s (median of ${v.length} epochs: ${v.map((s) => s.toFixed(1)).join(', ')})` : `failed: ${tflError}`}`;
console.log(`ConvLSTM2D 8 filters 3x3 'same' on ${SHAPE.join('x')} sequences, dense 10; Adam, batch ${BATCH}, ${SAMPLES} samples/epoch; backend ${tf.getBackend()}`);
console.log(line('Ridge', runs.ridge));
console.log(line('tfjs-layers', runs.tfl));
if (runs.ridge.length && runs.tfl.length) console.log(`ratio        ${(median(runs.ridge) / median(runs.tfl)).toFixed(2)}x`);
