import * as tfl from '@tensorflow/tfjs-layers';
import type * as tf from '@tensorflow/tfjs-core';
import * as ridgeLayers from '@ridge/layers';
import { dense, input, model, type Model, type SymbolicTensor } from '@ridge/layers';
import { l2 } from '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';

export type Backend = 'wasm' | 'cpu';
export type CaseId = 'seed' | 'seed-l2' | 'seed-l2-all' | 'seed-l2-8k' | 'conv' | 'sepconv' | 'conv3d' | 'lstm' | 'gru';
export const CASE_IDS: readonly CaseId[] = ['seed', 'seed-l2', 'seed-l2-all', 'seed-l2-8k', 'conv', 'sepconv', 'conv3d', 'lstm', 'gru'];

export interface CaseSpec {
  readonly id: CaseId;
  readonly title: string;
  readonly batchSize: number;
  /** One sample's input shape, without the batch axis. */
  readonly sampleShape: readonly number[];
  readonly classes: number;
  /** Samples per epoch, sized so a full run of both backends stays within minutes. */
  readonly samples: Readonly<Record<Backend, { readonly full: number; readonly quick: number }>>;
  /** Backends the case runs on, with the reason when not all (default: all). */
  readonly only?: { readonly backends: readonly Backend[]; readonly reason: string };
  /** At most this many timed epochs (long epochs), whatever `--epochs` says. */
  readonly maxEpochs?: number;
  /** FLOPs (2 per multiply-add) of one sample's forward matmuls and convolutions. */
  readonly forwardFlops: number;
  /** A compiled Ridge model with fresh initial weights. Rejects when Ridge lacks a layer. */
  buildRidge(): Promise<Model>;
  /**
   * The same model in tfjs-layers, compiled the same way, holding `weights` (Ridge's initial
   * weights, in Keras order). Throws when tfjs-layers cannot build it.
   */
  buildTfl(weights: readonly tf.Tensor[]): Promise<tfl.LayersModel>;
}

/** Both libraries: Adam with Keras defaults, categorical crossentropy, accuracy (the seed model's compile). */
const COMPILE = { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] } as const;

function compiledRidge(inp: SymbolicTensor, out: SymbolicTensor): Model {
  const m = model({ inputs: inp, outputs: out });
  m.compile({ optimizer: COMPILE.optimizer, loss: COMPILE.loss, metrics: [...COMPILE.metrics] });
  return m;
}

function compiledTfl(m: tfl.LayersModel, weights: readonly tf.Tensor[]): tfl.LayersModel {
  m.compile({ optimizer: COMPILE.optimizer, loss: COMPILE.loss, metrics: [...COMPILE.metrics] });
  const shapes = (ts: readonly { shape: readonly (number | null)[] }[]) => ts.map((t) => `[${t.shape.join(',')}]`).join(' ');
  if (shapes(m.weights) !== shapes(weights)) {
    throw new Error(`weight shapes differ: Ridge ${shapes(weights)}, tfjs-layers ${shapes(m.weights)}`);
  }
  m.setWeights([...weights]);
  return m;
}

/** Which L2 penalties every Dense carries: none, kernel and bias, or kernel, bias and activity. */
type SeedRegularization = 'none' | 'kernel+bias' | 'kernel+bias+activity';

function seedCase(id: CaseId, title: string, reg: SeedRegularization, size: Partial<Pick<CaseSpec, 'samples' | 'only' | 'maxEpochs'>> = {}): CaseSpec {
  const weightL2 = reg !== 'none';
  const activityL2 = reg === 'kernel+bias+activity';
  const denseRegs = () => ({
    kernelRegularizer: weightL2 ? l2() : undefined,
    biasRegularizer: weightL2 ? l2() : undefined,
    activityRegularizer: activityL2 ? l2() : undefined,
  });
  const tflRegs = () => ({
    kernelRegularizer: weightL2 ? tfl.regularizers.l2() : undefined,
    biasRegularizer: weightL2 ? tfl.regularizers.l2() : undefined,
    activityRegularizer: activityL2 ? tfl.regularizers.l2() : undefined,
  });
  return {
    id,
    title,
    batchSize: 64,
    sampleShape: [784],
    classes: 10,
    samples: { wasm: { full: 2048, quick: 256 }, cpu: { full: 512, quick: 128 } },
    ...size,
    forwardFlops: 2 * (784 * 250 + 250 * 10),
    async buildRidge() {
      const inp = input({ name: 'input', shape: [784] });
      const h = dense({ name: 'dense_1', units: 250, activation: 'tanh', ...denseRegs() }).apply(inp);
      return compiledRidge(inp, dense({ name: 'dense_2', units: 10, activation: 'softmax', ...denseRegs() }).apply(h));
    },
    async buildTfl(weights) {
      const m = tfl.sequential();
      m.add(tfl.layers.dense({ name: 'dense_1', inputShape: [784], units: 250, activation: 'tanh', ...tflRegs() }));
      m.add(tfl.layers.dense({ name: 'dense_2', units: 10, activation: 'softmax', ...tflRegs() }));
      return compiledTfl(m, weights);
    },
  };
}


const convCase: CaseSpec = {
  id: 'conv',
  title: 'conv net: conv2d 16x3x3 relu, maxPool 2, flatten, dense 10 softmax',
  batchSize: 64,
  sampleShape: [28, 28, 1],
  classes: 10,
  samples: { wasm: { full: 1024, quick: 128 }, cpu: { full: 256, quick: 64 } },
  forwardFlops: 2 * (3 * 3 * 1 * 16 * 26 * 26 + 13 * 13 * 16 * 10),
  async buildRidge() {
    const f = { conv2d: ridgeLayers.conv2d, maxPooling2d: ridgeLayers.maxPooling2d, flatten: ridgeLayers.flatten };
    const inp = input({ name: 'input', shape: [28, 28, 1] });
    let x = f['conv2d']!({ name: 'conv2d_1', filters: 16, kernelSize: 3, activation: 'relu' }).apply(inp);
    x = f['maxPooling2d']!({ name: 'pool_1', poolSize: 2 }).apply(x);
    x = f['flatten']!({ name: 'flatten_1' }).apply(x);
    return compiledRidge(inp, dense({ name: 'dense_1', units: 10, activation: 'softmax' }).apply(x));
  },
  async buildTfl(weights) {
    const m = tfl.sequential();
    m.add(tfl.layers.conv2d({ name: 'conv2d_1', inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ name: 'pool_1', poolSize: 2 }));
    m.add(tfl.layers.flatten({ name: 'flatten_1' }));
    m.add(tfl.layers.dense({ name: 'dense_1', units: 10, activation: 'softmax' }));
    return compiledTfl(m, weights);
  },
};

/**
 * A MobileNet-style block: a conv stem, a depthwise convolution, a separable convolution, global
 * average pooling. L2 on the depthwise and pointwise kernels, where such models put it.
 */
const sepconvCase: CaseSpec = {
  id: 'sepconv',
  title: 'separable conv net: conv2d 8x3x3 relu, depthwise 3x3 relu, separable 16x3x3/2 relu, global avg pool, dense 10; L2 on depthwise/pointwise kernels',
  batchSize: 64,
  sampleShape: [28, 28, 1],
  classes: 10,
  samples: { wasm: { full: 1024, quick: 128 }, cpu: { full: 256, quick: 64 } },
  // conv 26x26x8 (3x3x1), depthwise 24x24x8 (3x3), separable: depthwise 11x11x8 (3x3) + pointwise 11x11 (8->16), dense 16->10
  forwardFlops: 2 * (26 * 26 * 8 * 9 + 24 * 24 * 8 * 9 + 11 * 11 * 8 * 9 + 11 * 11 * 8 * 16 + 16 * 10),
  async buildRidge() {
    const { conv2d, depthwiseConv2d, separableConv2d, globalAveragePooling2d } = ridgeLayers;
    const inp = input({ name: 'input', shape: [28, 28, 1] });
    let x = conv2d({ name: 'stem', filters: 8, kernelSize: 3, activation: 'relu' }).apply(inp);
    x = depthwiseConv2d({ name: 'dw', kernelSize: 3, activation: 'relu', depthwiseRegularizer: l2() }).apply(x);
    x = separableConv2d({ name: 'sep', filters: 16, kernelSize: 3, strides: 2, activation: 'relu', depthwiseRegularizer: l2(), pointwiseRegularizer: l2() }).apply(x);
    x = globalAveragePooling2d({ name: 'gap' }).apply(x);
    return compiledRidge(inp, dense({ name: 'dense_1', units: 10, activation: 'softmax' }).apply(x));
  },
  async buildTfl(weights) {
    const m = tfl.sequential();
    m.add(tfl.layers.conv2d({ name: 'stem', inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }));
    m.add(tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, activation: 'relu', depthwiseRegularizer: tfl.regularizers.l2() }));
    m.add(
      tfl.layers.separableConv2d({ name: 'sep', filters: 16, kernelSize: 3, strides: 2, activation: 'relu', depthwiseRegularizer: tfl.regularizers.l2(), pointwiseRegularizer: tfl.regularizers.l2() }),
    );
    m.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
    m.add(tfl.layers.dense({ name: 'dense_1', units: 10, activation: 'softmax' }));
    return compiledTfl(m, weights);
  },
};

/**
 * A small volume net. The second convolution needs an input gradient, the first does not, so both
 * of Conv3D's gradients are timed. tfjs-layers trains it through tfjs-core's Conv3D gradient,
 * whose wasm kernels give wrong values (see @ridge/layers' README): on wasm its time is that of a
 * wrong computation.
 */
const conv3dCase: CaseSpec = {
  id: 'conv3d',
  title: 'conv3d net: conv3d 8x3x3x3 relu, maxPool3d 2, conv3d 16x3x3x3 same relu, avgPool3d 5, flatten, dense 10 softmax',
  batchSize: 64,
  sampleShape: [12, 12, 12, 1],
  classes: 10,
  samples: { wasm: { full: 256, quick: 64 }, cpu: { full: 256, quick: 64 } },
  // conv 10x10x10x8 (3x3x3x1), pool to 5x5x5x8, conv 5x5x5x16 (3x3x3x8), dense 16->10
  forwardFlops: 2 * (10 * 10 * 10 * 8 * 27 + 5 * 5 * 5 * 16 * 27 * 8 + 16 * 10),
  async buildRidge() {
    const { conv3d, maxPooling3d, averagePooling3d, flatten } = ridgeLayers;
    const inp = input({ name: 'input', shape: [12, 12, 12, 1] });
    let x = conv3d({ name: 'conv3d_1', filters: 8, kernelSize: 3, activation: 'relu' }).apply(inp);
    x = maxPooling3d({ name: 'pool_1', poolSize: 2 }).apply(x);
    x = conv3d({ name: 'conv3d_2', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
    // Global average pooling as tfjs-layers 4.22 can write it (it has no GlobalAveragePooling3D).
    x = flatten({ name: 'flatten_1' }).apply(averagePooling3d({ name: 'pool_2', poolSize: 5 }).apply(x));
    return compiledRidge(inp, dense({ name: 'dense_1', units: 10, activation: 'softmax' }).apply(x));
  },
  async buildTfl(weights) {
    const m = tfl.sequential();
    m.add(tfl.layers.conv3d({ name: 'conv3d_1', inputShape: [12, 12, 12, 1], filters: 8, kernelSize: 3, activation: 'relu' }));
    m.add(tfl.layers.maxPooling3d({ name: 'pool_1', poolSize: 2 }));
    m.add(tfl.layers.conv3d({ name: 'conv3d_2', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tfl.layers.averagePooling3d({ name: 'pool_2', poolSize: 5 }));
    m.add(tfl.layers.flatten({ name: 'flatten_1' }));
    m.add(tfl.layers.dense({ name: 'dense_1', units: 10, activation: 'softmax' }));
    return compiledTfl(m, weights);
  },
};

const lstmCase: CaseSpec = {
  id: 'lstm',
  title: 'LSTM: 20 steps x 16 features, LSTM 32, dense 10 softmax',
  batchSize: 64,
  sampleShape: [20, 16],
  classes: 10,
  samples: { wasm: { full: 512, quick: 128 }, cpu: { full: 256, quick: 64 } },
  forwardFlops: 20 * 2 * (16 + 32) * 4 * 32 + 2 * 32 * 10,
  async buildRidge() {
    const f = { lstm: ridgeLayers.lstm };
    const inp = input({ name: 'input', shape: [20, 16] });
    // tfjs-layers defaults recurrentActivation to hardSigmoid; Keras (and Ridge) to sigmoid.
    const h = f['lstm']!({ name: 'lstm_1', units: 32, recurrentActivation: 'sigmoid' }).apply(inp);
    return compiledRidge(inp, dense({ name: 'dense_1', units: 10, activation: 'softmax' }).apply(h));
  },
  async buildTfl(weights) {
    const m = tfl.sequential();
    // Its default orthogonal recurrentInitializer throws in 4.22 ("rMat.flatten is not a
    // function"); the initial values are replaced by Ridge's anyway.
    m.add(tfl.layers.lstm({ name: 'lstm_1', inputShape: [20, 16], units: 32, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }));
    m.add(tfl.layers.dense({ name: 'dense_1', units: 10, activation: 'softmax' }));
    return compiledTfl(m, weights);
  },
};

const gruCase: CaseSpec = {
  id: 'gru',
  title: 'GRU: 20 steps x 16 features, GRU 32 (resetAfter false), dense 10 softmax',
  batchSize: 64,
  sampleShape: [20, 16],
  classes: 10,
  samples: { wasm: { full: 512, quick: 128 }, cpu: { full: 256, quick: 64 } },
  forwardFlops: 20 * 2 * (16 + 32) * 3 * 32 + 2 * 32 * 10,
  async buildRidge() {
    const inp = input({ name: 'input', shape: [20, 16] });
    // tfjs-layers 4.22's GRU refuses resetAfter (Keras 3's default); both run the Keras 2 cell.
    const h = ridgeLayers.gru({ name: 'gru_1', units: 32, recurrentActivation: 'sigmoid', resetAfter: false }).apply(inp);
    return compiledRidge(inp, dense({ name: 'dense_1', units: 10, activation: 'softmax' }).apply(h));
  },
  async buildTfl(weights) {
    const m = tfl.sequential();
    m.add(tfl.layers.gru({ name: 'gru_1', inputShape: [20, 16], units: 32, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }));
    m.add(tfl.layers.dense({ name: 'dense_1', units: 10, activation: 'softmax' }));
    return compiledTfl(m, weights);
  },
};

export const CASES: Readonly<Record<CaseId, CaseSpec>> = {
  seed: seedCase('seed', 'seed 784-250 tanh-10 softmax, no regularization', 'none'),
  'seed-l2': seedCase('seed-l2', 'seed, L2 on kernels and biases', 'kernel+bias'),
  'seed-l2-all': seedCase('seed-l2-all', 'seed, kernel, bias and activity L2 on every Dense', 'kernel+bias+activity'),
  // The same model on 4 times the data: a per-batch cost that grows with the dataset shows here.
  'seed-l2-8k': seedCase('seed-l2-8k', 'seed, L2 on kernels and biases, 8,192 samples per epoch', 'kernel+bias', {
    samples: { wasm: { full: 8192, quick: 512 }, cpu: { full: 8192, quick: 512 } },
    only: { backends: ['wasm'], reason: "wasm only: on cpu an epoch of 8,192 samples takes half a minute per library, and cpu's slice does not depend on the dataset's size" },
    maxEpochs: 3,
  }),
  conv: convCase,
  sepconv: sepconvCase,
  conv3d: conv3dCase,
  lstm: lstmCase,
  gru: gruCase,
};
