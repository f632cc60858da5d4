/**
 * Which Ridge layers `save(target, { format: 'tfjs-layers' })` writes for tfjs-layers 4.22, checked
 * against tfjs-layers itself:
 * - the writer's list of tfjs-layers' classes is tfjs-layers' own registry (so it cannot drift);
 * - every class Ridge registers has a small model here (a new layer fails the test until it has one);
 * - each model of a class tfjs-layers has is saved without a warning and loaded with tfjs-layers'
 *   `loadLayersModel`, with the same predictions;
 * - each model of a class it lacks gets one warning naming the layer and its class, tfjs-layers
 *   refuses the file, and Ridge loads it back with the same predictions;
 * - a layer tfjs-layers has but reads otherwise (bilinear UpSampling2D, Resizing, CenterCrop, a GRU
 *   with resetAfter) gets a warning, and tfjs-layers indeed refuses it or predicts otherwise.
 */
import { initBackend } from '@ridge/backend';
import { registry } from '@ridge/core';
import * as L from '@ridge/layers';
import { TFJS_LAYERS_CLASSES } from '@ridge/layers/io';
import '@ridge/losses';
import '@ridge/optimizers';
import '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOLERANCE, artifactsOf, expectClose } from '../support/tfjs-layers.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

type Layer = L.Layer;
interface Row {
  /** The model, its inputs' shapes (without the batch) and dtypes. */
  build: () => L.Model;
  inputs: { shape: number[]; dtype?: 'int32'; max?: number }[];
  customObjects?: Record<string, unknown>;
  /** What the warning for this model says, for the layers tfjs-layers reads otherwise. */
  says?: string;
  /** The class tfjs-layers names when it refuses the model (the first one it lacks), when not the row's. */
  refusedFor?: string;
}

/** input(shape) -> layer -> output, named after the class. */
function single(shape: number[], layer: () => Layer, dtype?: 'int32', max?: number): Row {
  return {
    build: () => {
      const inp = L.input({ shape, ...(dtype ? { dtype } : {}) });
      return L.model({ inputs: inp, outputs: layer().apply(inp) as L.SymbolicTensor });
    },
    inputs: [{ shape, ...(dtype ? { dtype } : {}), ...(max ? { max } : {}) }],
  };
}

/** Two inputs of `shape` -> a layer called on both. */
function pair(shape: number[], layer: () => Layer): Row {
  return {
    build: () => {
      const a = L.input({ shape });
      const b = L.input({ shape });
      return L.model({ inputs: [a, b], outputs: layer().apply([a, b]) as L.SymbolicTensor });
    },
    inputs: [{ shape }, { shape }],
  };
}

/**
 * tokens -> Reshape -> CategoryEncoding. tfjs-layers' CategoryEncoding.computeOutputShape writes its
 * output size into the shape it is given, so right after an input layer it changes that model's
 * input shape ([null, 3] becomes [null, 4]) and predict refuses the real inputs; a layer between
 * them takes the change.
 */
function encoding(shape: number[], outputMode: 'one_hot' | 'multi_hot' | 'count'): Row {
  return {
    build: () => {
      const inp = L.input({ shape, dtype: 'int32' });
      const ids = L.reshape({ targetShape: shape }).apply(inp);
      return L.model({ inputs: inp, outputs: L.categoryEncoding({ numTokens: 4, outputMode }).apply(ids) });
    },
    inputs: [{ shape, dtype: 'int32', max: 4 }],
  };
}

const scaleShift = (x: tf.Tensor): tf.Tensor => tf.add(tf.mul(x, 2), -1);

/** int32 ids of `shape` -> an inverting StringLookup (the strings 'red car', 'blue car', 'red bus') -> `after`. */
function words(shape: number[], after: () => Layer): Row {
  return {
    build: () => {
      const inp = L.input({ shape, dtype: 'int32' });
      const text = L.stringLookup({ vocabulary: ['red car', 'blue car', 'red bus'], numOovIndices: 0, invert: true }).apply(inp);
      return L.model({ inputs: inp, outputs: after().apply(text) as L.SymbolicTensor });
    },
    inputs: [{ shape, dtype: 'int32', max: 3 }],
  };
}

/** One or more small models per class tfjs-layers 4.22 has, written without a warning. */
const SUPPORTED: Record<string, Row> = {
  Activation: single([4], () => L.activation({ activation: 'tanh' })),
  Dense: single([4], () => L.dense({ units: 3, activation: 'relu' })),
  Dropout: single([4], () => L.dropout({ rate: 0.5 })),
  AlphaDropout: single([4], () => L.alphaDropout({ rate: 0.5 })),
  GaussianDropout: single([4], () => L.gaussianDropout({ rate: 0.5 })),
  GaussianNoise: single([4], () => L.gaussianNoise({ stddev: 0.5 })),
  SpatialDropout1D: single([3, 4], () => L.spatialDropout1d({ rate: 0.5 })),
  ELU: single([4], () => L.elu()),
  LeakyReLU: single([4], () => L.leakyReLU({ negativeSlope: 0.2 })),
  PReLU: single([4], () => L.prelu()),
  ReLU: single([4], () => L.reLU({ maxValue: 0.5 })),
  Softmax: single([4], () => L.softmax()),
  ThresholdedReLU: single([4], () => L.thresholdedReLU({ theta: 0.1 })),
  Flatten: single([2, 3], () => L.flatten()),
  Reshape: single([6], () => L.reshape({ targetShape: [2, 3] })),
  Permute: single([2, 3], () => L.permute({ dims: [2, 1] })),
  RepeatVector: single([3], () => L.repeatVector({ n: 2 })),
  Masking: single([3, 2], () => L.masking({ maskValue: 0.3 })),
  Embedding: single([3], () => L.embedding({ inputDim: 5, outputDim: 2 }), 'int32', 5),
  'CategoryEncoding multi_hot': encoding([3], 'multi_hot'),
  'CategoryEncoding one_hot': encoding([1], 'one_hot'),
  'CategoryEncoding count': encoding([3], 'count'),
  Rescaling: single([4], () => L.rescaling({ scale: 0.5, offset: -1 })),
  BatchNormalization: single([4], () => L.batchNormalization()),
  LayerNormalization: single([4], () => L.layerNormalization()),
  Conv1D: single([5, 2], () => L.conv1d({ filters: 2, kernelSize: 2 })),
  Conv2D: single([4, 4, 2], () => L.conv2d({ filters: 2, kernelSize: 2 })),
  Conv2DTranspose: single([3, 3, 2], () => L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 })),
  Conv3D: single([3, 3, 3, 2], () => L.conv3d({ filters: 2, kernelSize: 2 })),
  DepthwiseConv2D: single([4, 4, 2], () => L.depthwiseConv2d({ kernelSize: 2 })),
  SeparableConv2D: single([4, 4, 2], () => L.separableConv2d({ filters: 2, kernelSize: 2 })),
  AveragePooling1D: single([4, 2], () => L.averagePooling1d({ poolSize: 2 })),
  AveragePooling2D: single([4, 4, 2], () => L.averagePooling2d({ poolSize: 2 })),
  AveragePooling3D: single([2, 2, 2, 2], () => L.averagePooling3d({ poolSize: 2 })),
  MaxPooling1D: single([4, 2], () => L.maxPooling1d({ poolSize: 2 })),
  MaxPooling2D: single([4, 4, 2], () => L.maxPooling2d({ poolSize: 2 })),
  MaxPooling3D: single([2, 2, 2, 2], () => L.maxPooling3d({ poolSize: 2 })),
  GlobalAveragePooling1D: single([4, 2], () => L.globalAveragePooling1d()),
  GlobalAveragePooling2D: single([3, 3, 2], () => L.globalAveragePooling2d()),
  GlobalMaxPooling1D: single([4, 2], () => L.globalMaxPooling1d()),
  GlobalMaxPooling2D: single([3, 3, 2], () => L.globalMaxPooling2d()),
  Cropping2D: single([4, 4, 2], () => L.cropping2d({ cropping: [[1, 0], [0, 1]] })),
  ZeroPadding2D: single([3, 3, 2], () => L.zeroPadding2d({ padding: 1 })),
  UpSampling2D: single([2, 2, 2], () => L.upSampling2d({ size: 2 })),
  SimpleRNN: single([3, 2], () => L.simpleRNN({ units: 2 })),
  LSTM: single([3, 2], () => L.lstm({ units: 2, returnSequences: true })),
  GRU: single([3, 2], () => L.gru({ units: 2, resetAfter: false })),
  ConvLSTM2D: single([2, 3, 3, 2], () => L.convLstm2d({ filters: 2, kernelSize: 2 })),
  Bidirectional: single([3, 2], () => L.bidirectional({ layer: L.lstm({ units: 2 }) })),
  'Bidirectional ConvLSTM2D': single([2, 3, 3, 1], () => L.bidirectional({ layer: L.convLstm2d({ filters: 2, kernelSize: 2, returnSequences: true }) })),
  TimeDistributed: single([3, 2], () => L.timeDistributed({ layer: L.dense({ units: 2 }) })),
  Add: pair([3], () => L.add()),
  Average: pair([3], () => L.average()),
  Concatenate: pair([3], () => L.concatenate()),
  Dot: pair([3], () => L.dot({ axes: 1 })),
  Maximum: pair([3], () => L.maximum()),
  Minimum: pair([3], () => L.minimum()),
  Multiply: pair([3], () => L.multiply()),
  Sequential: {
    build: () => L.sequential({ layers: [L.dense({ units: 3, inputShape: [4] }), L.dense({ units: 2 })] }),
    inputs: [{ shape: [4] }],
  },
};

/** One small model per class tfjs-layers 4.22 lacks: written as Keras writes it, with a warning. */
const MISSING: Record<string, Row> = {
  ActivityRegularization: single([4], () => L.activityRegularization({ l2: 0.1 })),
  Attention: pair([3, 2], () => L.attention()),
  AdditiveAttention: pair([3, 2], () => L.additiveAttention()),
  MultiHeadAttention: pair([3, 2], () => L.multiHeadAttention({ numHeads: 2, keyDim: 2 })),
  Conv1DTranspose: single([3, 2], () => L.conv1dTranspose({ filters: 2, kernelSize: 2 })),
  DepthwiseConv1D: single([4, 2], () => L.depthwiseConv1d({ kernelSize: 2 })),
  SeparableConv1D: single([4, 2], () => L.separableConv1d({ filters: 2, kernelSize: 2 })),
  ConvLSTM1D: single([2, 3, 2], () => L.convLstm1d({ filters: 2, kernelSize: 2 })),
  ConvLSTM3D: single([2, 2, 2, 2, 1], () => L.convLstm3d({ filters: 1, kernelSize: 1 })),
  Cropping1D: single([4, 2], () => L.cropping1d({ cropping: 1 })),
  Cropping3D: single([3, 3, 3, 1], () => L.cropping3d({ cropping: 1 })),
  ZeroPadding1D: single([3, 2], () => L.zeroPadding1d({ padding: 1 })),
  ZeroPadding3D: single([2, 2, 2, 1], () => L.zeroPadding3d({ padding: 1 })),
  UpSampling1D: single([3, 2], () => L.upSampling1d({ size: 2 })),
  UpSampling3D: single([2, 2, 2, 1], () => L.upSampling3d({ size: 2 })),
  GlobalAveragePooling3D: single([2, 2, 2, 2], () => L.globalAveragePooling3d()),
  GlobalMaxPooling3D: single([2, 2, 2, 2], () => L.globalMaxPooling3d()),
  SpatialDropout2D: single([3, 3, 2], () => L.spatialDropout2d({ rate: 0.5 })),
  GroupNormalization: single([4], () => L.groupNormalization({ groups: 2 })),
  UnitNormalization: single([4], () => L.unitNormalization()),
  Normalization: single([4], () => L.normalization({ mean: [1, 2, 3, 4], variance: [1, 4, 9, 16] })),
  RandomBrightness: single([3, 3, 1], () => L.randomBrightness({ factor: 0.2 })),
  RandomContrast: single([3, 3, 1], () => L.randomContrast({ factor: 0.2 })),
  RandomCrop: single([4, 4, 1], () => L.randomCrop({ height: 2, width: 2 })),
  RandomFlip: single([3, 3, 1], () => L.randomFlip()),
  RandomRotation: single([3, 3, 1], () => L.randomRotation({ factor: 0.1 })),
  RandomTranslation: single([3, 3, 1], () => L.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1 })),
  RandomZoom: single([3, 3, 1], () => L.randomZoom({ heightFactor: 0.1 })),
  Subtract: pair([3], () => L.subtract()),
  Lambda: { ...single([4], () => L.lambda({ function: scaleShift, outputShape: [4] })), customObjects: { scaleShift } },
  Discretization: single([3], () => L.discretization({ binBoundaries: [-0.5, 0, 0.5] })),
  Hashing: single([3], () => L.hashing({ numBins: 4 }), 'int32', 10),
  IntegerLookup: single([3], () => L.integerLookup({ vocabulary: [1, 2, 3] }), 'int32', 5),
  // Models take no strings: an inverting StringLookup makes them from int32 ids.
  StringLookup: words([2], () => L.hashing({ numBins: 3 })),
  TextVectorization: {
    ...words([1], () => {
      const text = L.textVectorization({ outputMode: 'multi_hot' });
      text.adapt(['red car', 'blue car', 'red bus']);
      return text;
    }),
    refusedFor: 'StringLookup',
  },
};

const saying = (says: string, row: Row): Row => ({ ...row, says });

/** Layers tfjs-layers has but refuses or computes otherwise with these configs. */
const DIFFERS: Record<string, Row> = {
  'ELU with alpha other than 1': saying("alpha 0.5: tfjs-layers' ELU takes only alpha 1", single([4], () => L.elu({ alpha: 0.5 }))),
  "UpSampling2D 'bilinear'": saying("interpolation 'bilinear'", single([2, 2, 1], () => L.upSampling2d({ size: 2, interpolation: 'bilinear' }))),
  Resizing: saying("tfjs-layers' Resizing aligns corners", single([3, 3, 1], () => L.resizing({ height: 5, width: 4 }))),
  CenterCrop: saying("tfjs-layers' CenterCrop resizes crops", single([5, 5, 1], () => L.centerCrop({ height: 3, width: 2 }))),
  'GRU with resetAfter': saying("resetAfter true (Keras 3's default)", single([3, 2], () => L.gru({ units: 2 }))),
  // Settings tfjs-layers has no argument for: it ignores them.
  'Conv2D with groups': saying('has groups 2, which tfjs-layers 4.22 has no argument for', single([4, 4, 4], () => L.conv2d({ filters: 2, kernelSize: 2, groups: 2 }))),
  'Conv2DTranspose with outputPadding': saying(
    'has outputPadding [1,1], which tfjs-layers 4.22 has no argument for',
    single([3, 3, 2], () => L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 1 })),
  ),
  'GlobalAveragePooling2D with keepdims': saying('has keepdims true', single([3, 3, 2], () => L.globalAveragePooling2d({ keepdims: true }))),
  'GlobalMaxPooling1D with keepdims': saying('has keepdims true', single([3, 2], () => L.globalMaxPooling1d({ keepdims: true }))),
};

/** Every layer class in a model, the layers inside wrappers included. */
function classesOf(m: L.Model): string[] {
  return m.layers.flatMap((l) => {
    const inner = ['layer', 'backwardLayer'].map((k) => (l as unknown as Record<string, unknown>)[k]).filter((x): x is L.Layer => x instanceof L.Layer);
    return [l.className, ...inner.map((i) => i.className)];
  });
}

function inputsOf(row: Row, seed: number): tf.Tensor[] {
  return row.inputs.map(({ shape, dtype, max }, i) =>
    dtype === 'int32' ? tf.randomUniform([2, ...shape], 0, max!, 'int32', seed + i) : tf.randomNormal([2, ...shape], 0, 1, 'float32', seed + i),
  );
}

/** Built, with positive weights (a valid variance for normalization layers, non-trivial biases). */
function built(row: Row, seed: number): L.Model {
  const m = row.build();
  m.weights.forEach((w, i) => {
    const value = tf.randomUniform(w.shape as number[], 0.1, 0.6, 'float32', seed + i);
    w.assign(value);
    value.dispose();
  });
  return m;
}

const outputsOf = (y: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(y) ? y : [y]);

async function savedForTfjs(m: L.Model): Promise<{ artifacts: tf.io.ModelArtifacts; warnings: string[] }> {
  const warnings: string[] = [];
  const artifacts = await artifactsOf((h) => m.save(h, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) }));
  return { artifacts, warnings };
}

describe("the 'tfjs-layers' format and tfjs-layers 4.22's own registry", () => {
  it("the writer's list of tfjs-layers' layer classes is exactly what tfjs-layers registers", () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    const layerClasses = Object.keys(map).filter((name) => {
      const cls = map[name]![0] as unknown as { prototype: unknown };
      return cls.prototype instanceof tfl.layers.Layer;
    });
    expect([...TFJS_LAYERS_CLASSES].sort()).toEqual(layerClasses.sort());
    // Sanity of the enumeration itself: layers are found, other registered kinds are not.
    expect(layerClasses).toContain('Dense');
    expect(layerClasses).not.toContain('L1L2');
    expect(layerClasses).not.toContain('Adam');
  });

  it('every layer class Ridge registers has a model here, in the group that the list puts it in', () => {
    const ridgeClasses = registry('layer')
      .entries()
      .map((e) => e.name);
    const covered = (rows: Record<string, Row>) => new Set(Object.values(rows).flatMap((r) => {
      const m = r.build();
      const classes = classesOf(m);
      m.dispose();
      return classes;
    }));
    // Resizing and CenterCrop are tfjs-layers classes that it computes otherwise: always a warning.
    const supported = new Set([...covered(SUPPORTED), ...covered(DIFFERS)]);
    const missing = covered(MISSING);
    for (const name of ridgeClasses) {
      expect([name, TFJS_LAYERS_CLASSES.includes(name) ? supported.has(name) : missing.has(name)]).toEqual([name, true]);
    }
    for (const name of supported) expect([name, TFJS_LAYERS_CLASSES.includes(name)]).toEqual([name, true]);
  });
});

describe('classes tfjs-layers 4.22 has: saved without a warning, loaded by tfjs-layers, the same predictions', () => {
  it.each(Object.entries(SUPPORTED))('%s', async (_name, row) => {
    const before = tf.memory().numTensors;
    const m = built(row, 100);
    const { artifacts, warnings } = await savedForTfjs(m);
    expect(warnings).toEqual([]);
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const xs = inputsOf(row, 200);
    const theirs = outputsOf(tm.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[]);
    const ours = outputsOf(m.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[]);
    expect(theirs).toHaveLength(ours.length);
    // Compared as float32, whatever dtype either library gives.
    const theirs32 = theirs.map((t) => tf.cast(t, 'float32'));
    ours.forEach((t, i) => expectClose(theirs32[i]!, t));
    tf.dispose([...xs, ...theirs, ...theirs32, ...ours]);
    m.dispose();
    tm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('classes tfjs-layers 4.22 lacks: one warning naming the layer and its class; tfjs-layers refuses the file, Ridge loads it', () => {
  it.each(Object.entries(MISSING))('%s', async (className, row) => {
    const before = tf.memory().numTensors;
    const m = built(row, 300);
    const layer = m.layers.find((l) => l.className === className)!;
    const { artifacts, warnings } = await savedForTfjs(m);
    expect(warnings).toHaveLength(1);
    // The one warning lists every such layer of the model (the StringLookup rows have two classes).
    expect(warnings[0]).toMatch(new RegExp(`Model '${m.name}': tfjs-layers 4\\.22 has no layer class for (.*, )?${className} '${layer.name}'[.,]`));
    expect(warnings[0]).toContain("the file loads in Ridge and Keras, but tfjs-layers' loadLayersModel will refuse it");
    await expect(tfl.loadLayersModel(tf.io.fromMemory(artifacts))).rejects.toThrow(row.refusedFor ?? className);
    const again = await L.loadModel(tf.io.fromMemory(artifacts), row.customObjects ? { customObjects: row.customObjects as never } : {});
    const xs = inputsOf(row, 400);
    const [ours, back] = [m, again].map((x) => outputsOf(x.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[]));
    back!.forEach((t, i) => expectClose(t, ours![i]!));
    tf.dispose([...xs, ...ours!, ...back!]);
    m.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a wrapped layer tfjs-layers lacks is named too, and several layers share the one warning', async () => {
    const inp = L.input({ shape: [3, 4, 4, 1] });
    const seq = L.timeDistributed({ layer: L.spatialDropout2d({ rate: 0.1, name: 'inner_drop' }), name: 'td' }).apply(inp);
    const out = L.unitNormalization({ name: 'unit' }).apply(seq);
    const m = L.model({ inputs: inp, outputs: out, name: 'wrapped' });
    const { warnings } = await savedForTfjs(m);
    expect(warnings).toEqual([
      expect.stringContaining("Model 'wrapped': tfjs-layers 4.22 has no layer class for SpatialDropout2D 'inner_drop' (in TimeDistributed 'td'), UnitNormalization 'unit'. The 'tfjs-layers' format writes them as Keras does"),
    ]);
    // Ridge's own format: no warning.
    const own: string[] = [];
    m.toJSON({ onWarning: (w) => own.push(w) });
    expect(own).toEqual([]);
    m.dispose();

    const signal = L.input({ shape: [3, 5, 1] });
    const bi = L.bidirectional({ layer: L.convLstm1d({ filters: 2, kernelSize: 2, name: 'c1' }), name: 'bi1' });
    const wrapped = L.model({ inputs: signal, outputs: bi.apply(signal), name: 'bi_model' });
    const saved = await savedForTfjs(wrapped);
    expect(saved.warnings).toEqual([expect.stringContaining("Model 'bi_model': tfjs-layers 4.22 has no layer class for ConvLSTM1D 'c1' (in Bidirectional 'bi1').")]);
    await expect(tfl.loadLayersModel(tf.io.fromMemory(saved.artifacts))).rejects.toThrow('ConvLSTM1D');
    wrapped.dispose();
  });
});

describe('layers tfjs-layers 4.22 has but reads otherwise: a warning, and tfjs-layers indeed refuses them or predicts otherwise', () => {
  it.each(Object.entries(DIFFERS))('%s', async (_name, row) => {
    const m = built(row, 500);
    const layer = m.layers[1]!;
    const { artifacts, warnings } = await savedForTfjs(m);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`'${layer.name}'`);
    expect(warnings[0]).toContain(row.says!);
    const xs = inputsOf(row, 600);
    const ours = m.predict(xs[0]!) as tf.Tensor;
    let theirs: tf.Tensor | undefined;
    try {
      const tm = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
      theirs = tm.predict(xs[0]!) as tf.Tensor;
      tm.dispose();
    } catch {
      theirs = undefined;
    }
    if (theirs) {
      const sameShape = theirs.shape.join() === ours.shape.join();
      const gap = sameShape ? tf.tidy(() => tf.max(tf.abs(tf.sub(theirs!, ours))).dataSync()[0]!) : Infinity;
      expect(gap).toBeGreaterThan(TOLERANCE);
    }
    // Ridge reads its own file back as saved.
    const again = await L.loadModel(tf.io.fromMemory(artifacts));
    const back = again.predict(xs[0]!) as tf.Tensor;
    expectClose(back, ours);
    tf.dispose([...xs, ours, back, ...(theirs ? [theirs] : [])]);
    m.dispose();
    again.dispose();
  });
});

describe("CategoryEncoding's outputMode in tfjs-layers' spelling", () => {
  it("is written 'multiHot' / 'oneHot' for tfjs-layers and read back by Ridge as 'multi_hot' / 'one_hot'; Ridge's format keeps Keras's", async () => {
    for (const [mode, tfjsMode] of [['multi_hot', 'multiHot'], ['one_hot', 'oneHot'], ['count', 'count']] as const) {
      const m = built(single([1], () => L.categoryEncoding({ numTokens: 3, outputMode: mode, name: 'enc' }), 'int32', 3), 1);
      const written = (format: 'ridge' | 'tfjs-layers') =>
        (m.toJSON({ format }) as unknown as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers.find((l) => l.config['name'] === 'enc')!.config['output_mode'];
      expect(written('tfjs-layers')).toBe(tfjsMode);
      expect(written('ridge')).toBe(mode);
      const again = await L.loadModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }))));
      expect((again.getLayer('enc') as L.CategoryEncoding).outputMode).toBe(mode);
      m.dispose();
      again.dispose();
    }
  });

  it('a tfjs-layers model with CategoryEncoding (multiHot) loads into Ridge with the same predictions', async () => {
    const inp = tfl.input({ shape: [3], dtype: 'int32' });
    const ids = tfl.layers.reshape({ targetShape: [3] }).apply(inp);
    const tm = tfl.model({ inputs: inp, outputs: tfl.layers.categoryEncoding({ numTokens: 4, outputMode: 'multiHot' }).apply(ids) as tfl.SymbolicTensor });
    const loaded = await L.loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    const x = tf.tensor2d([[0, 3, 3], [1, 2, 1]], [2, 3], 'int32');
    // multi_hot of the rows by hand: [0, 3, 3] -> [1, 0, 0, 1], [1, 2, 1] -> [0, 1, 1, 0].
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
    expectClose(tf.cast(tm.predict(x) as tf.Tensor, 'float32'), loaded.predict(x) as tf.Tensor);
    tm.dispose();
    loaded.dispose();
  });
});
