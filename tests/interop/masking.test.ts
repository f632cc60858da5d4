import { initBackend } from '@ridge/backend';
import { embedding, gru, InputLayer, lstm, sequential, simpleRNN, dense, type Model } from '@ridge/layers';
import '@ridge/losses';
import '@ridge/optimizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, it } from 'vitest';
import { artifactsOf, expectClose } from '../support/tfjs-layers.js';

/*
 * tfjs-layers 4.22 masks as Keras does: Embedding(maskZero) gives `inputs != 0`, and its
 * recurrent layers keep the previous state, and repeat the previous output, at masked steps.
 * Same engine, same float32 weights: only rounding differs (see tests/support/tfjs-layers.ts).
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

async function toTfjsLayers(m: Model): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }))));
}

/** Right padding, padding in the middle, a single token and a full row. */
const PADDED = [
  [5, 6, 7, 0, 0, 0],
  [3, 0, 4, 0, 0, 0],
  [9, 0, 0, 0, 0, 0],
  [1, 2, 3, 4, 5, 6],
];

const KINDS = [
  // tfjs-layers' GRU has no resetAfter; Keras 3's default is compared with Keras's own rule in the layer tests.
  { name: 'LSTM', make: (a: object) => lstm({ units: 3, ...a }) },
  { name: 'GRU', make: (a: object) => gru({ units: 3, resetAfter: false, ...a }) },
  { name: 'SimpleRNN', make: (a: object) => simpleRNN({ units: 3, ...a }) },
] as const;

function textModel(make: (a: object) => ReturnType<typeof lstm | typeof gru | typeof simpleRNN>, args: object, seed: number): Model {
  const m = sequential({
    layers: [
      new InputLayer({ shape: [6], dtype: 'int32' }),
      embedding({ inputDim: 10, outputDim: 4, maskZero: true }),
      make(args),
      ...('returnSequences' in args ? [make({})] : []),
      dense({ units: 1 }),
    ],
  });
  m.weights.forEach((w, i) => w.assign(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed + i)));
  return m;
}

describe('masking: Embedding(maskZero) into SimpleRNN, LSTM and GRU, against tfjs-layers', () => {
  for (const { name, make } of KINDS) {
    for (const args of [{}, { goBackwards: true }, { returnSequences: true }, { returnSequences: true, goBackwards: true }]) {
      it(`${name} ${JSON.stringify(args)}: the same predictions on padded batches`, async () => {
        const m = textModel(make, args, 80);
        const tm = await toTfjsLayers(m);
        const x = tf.tensor2d(PADDED, undefined, 'int32');
        expectClose(m.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor);
        // A returnSequences layer's sequence, masked steps included, compared directly.
        if ('returnSequences' in args) {
          const sub = tfl.model({ inputs: tm.inputs, outputs: tm.layers[1]!.output as tfl.SymbolicTensor });
          const [emb, rnn] = m.layers.filter((l) => l.className !== 'InputLayer');
          const seqOut = tf.tidy(() => rnn!.apply(emb!.apply(x), { mask: tf.notEqual(x, 0) }));
          expectClose(seqOut, sub.predict(x) as tf.Tensor);
        }
        m.dispose();
        tm.dispose();
      });
    }

    it(`${name}: one SGD step on a padded batch gives tfjs-layers' weights`, async () => {
      const m = textModel(make, {}, 90);
      const tm = await toTfjsLayers(m);
      const x = tf.tensor2d(PADDED, undefined, 'int32');
      const y = tf.tensor2d([[0.5], [-0.2], [1], [0]]);
      m.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'mse' });
      tm.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
      await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      await tm.trainOnBatch(x, y);
      const theirs = tm.getWeights();
      m.weights.forEach((w, i) => expectClose(w.variable, theirs[i]!));
      m.dispose();
      tm.dispose();
    });
  }
});
