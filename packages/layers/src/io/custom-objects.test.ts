import { RidgeError, registry, type JsonObject, type Regularizer } from '@ridge/core';
import { sgd, type LearningRateSchedule } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { argKeys } from '../engine/arg-keys.js';
import { Layer, type CallContext, type LayerArgs } from '../engine/layer.js';
import { dense, input, loadModel, model, modelFromJSON, type Metric, type Model } from '../index.js';
import { modelFromArtifacts } from './load.js';

useCpu();

/*
 * Keras's `custom_objects` (keras/src/saving/serialization_lib.py, object_registration.py):
 * `get_registered_object` looks a saved name up in the registered objects first, then in the
 * `custom_objects` given to the load, and only then are the built-in modules searched; a class is
 * rebuilt with `from_config(config)`, and a name saved alone (a function) is the object itself.
 * Nothing is registered by passing them.
 */

interface HalvingConfig {
  initialLearningRate: number;
  every: number;
}

/** A schedule of the user's: halves the rate every `every` steps. */
class Halving implements LearningRateSchedule {
  readonly className = 'Halving';
  constructor(readonly config: HalvingConfig) {}
  valueAt(step: number): number {
    return this.config.initialLearningRate * 0.5 ** Math.floor(step / this.config.every);
  }
  getConfig(): JsonObject {
    return { initialLearningRate: this.config.initialLearningRate, every: this.config.every };
  }
}

/** A metric class of the user's: `scale * mean(|yTrue - yPred|)` per sample, saved with its options. */
class ScaledAbsError implements Metric {
  readonly name: string;
  readonly scale: number;
  readonly config: NonNullable<Metric['config']>;
  constructor(config: { name?: string; scale: number }) {
    this.name = config.name ?? 'scaled_abs_error';
    this.scale = config.scale;
    this.config = { className: 'ScaledAbsError', config: { name: this.name, scale: this.scale } };
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.mul(tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1), this.scale);
  }
}

const KERNEL = [0.5, -0.25];
const BIAS = 0.1;
const models: Model[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.dispose();
});

function compiled(): Model {
  const inp = input({ shape: [2], name: 'co_in' });
  const m = model({ inputs: inp, outputs: dense({ units: 1, name: 'co_d' }).apply(inp), name: 'co' });
  models.push(m);
  const w = [tf.tensor2d(KERNEL, [2, 1]), tf.tensor1d([BIAS])];
  m.setWeights(w);
  tf.dispose(w);
  m.compile({ optimizer: sgd({ learningRate: new Halving({ initialLearningRate: 0.1, every: 2 }) }), loss: 'mse', metrics: [new ScaledAbsError({ scale: 2 })] });
  return m;
}

async function fitOn(m: Model, x: number[][], y: number[][]) {
  const [xs, ys] = [tf.tensor2d(x), tf.tensor2d(y)];
  try {
    return await m.fit(xs, ys, { epochs: 1, batchSize: 1, verbose: 0, shuffle: false });
  } finally {
    tf.dispose([xs, ys]);
  }
}

/** Two steps at the schedule's first rate, then saved with the optimizer's state (its step count). */
async function trainedArtifacts(): Promise<tf.io.ModelArtifacts> {
  const m = compiled();
  await fitOn(m, [[1, 2], [3, -1]], [[1], [0]]);
  expect(m.optimizer!.iterations).toBe(2);
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })), { includeOptimizer: true });
  return saved!;
}

const kernelOf = (m: Model) => numbers(m.weights.find((w) => w.path === 'co_d/kernel')!.variable);
const biasOf = (m: Model) => numbers(m.weights.find((w) => w.path === 'co_d/bias')!.variable)[0]!;

describe('loadModel({ customObjects }): a schedule and a metric class of the user', () => {
  it('compiles the loaded model with them: fit goes on with the schedule at the saved step, and logs the metric', async () => {
    const artifacts = await trainedArtifacts();
    const before = tf.memory().numTensors;
    const warnings: string[] = [];
    const loaded = await loadModel(tf.io.fromMemory(artifacts), { customObjects: { Halving, ScaledAbsError }, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const optimizer = loaded.optimizer as unknown as { iterations: number; learningRate: number; learningRateSchedule: unknown };
    expect(optimizer.learningRateSchedule).toBeInstanceOf(Halving);
    expect((optimizer.learningRateSchedule as Halving).config).toEqual({ initialLearningRate: 0.1, every: 2 });
    expect(optimizer.iterations).toBe(2);

    // One more step on x = [1, 2], y = 1, by hand: p = w.x + b; mse = (p - 1)^2, so
    // dL/dw = 2 (p - 1) x and dL/db = 2 (p - 1). Step 2 of the schedule is 0.1 * 0.5^floor(2 / 2) = 0.05
    // (a schedule started again would use 0.1).
    const [w, b] = [kernelOf(loaded), biasOf(loaded)];
    const p = w[0]! * 1 + w[1]! * 2 + b;
    const lr = 0.1 * 0.5 ** Math.floor(2 / 2);
    const history = await fitOn(loaded, [[1, 2]], [[1]]);
    const k = kernelOf(loaded);
    expect(k[0]).toBeCloseTo(w[0]! - lr * 2 * (p - 1) * 1, 6);
    expect(k[1]).toBeCloseTo(w[1]! - lr * 2 * (p - 1) * 2, 6);
    expect(biasOf(loaded)).toBeCloseTo(b - lr * 2 * (p - 1), 6);
    expect(optimizer.iterations).toBe(3);
    // The metric, on the predictions the step computed its loss from: 2 * |1 - p|.
    expect(history.history['scaled_abs_error']![0]).toBeCloseTo(2 * Math.abs(1 - p), 5);
    expect(history.history['loss']![0]).toBeCloseTo((p - 1) ** 2, 5);

    // Saved again, it still names its schedule and metric.
    const json = loaded.toJSON() as { training_config?: JsonObject };
    expect(JSON.stringify(json.training_config)).toContain('"class_name":"Halving"');
    expect(JSON.stringify(json.training_config)).toContain('"class_name":"ScaledAbsError"');
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Nothing was registered.
    expect(registry('optimizer').has('Halving')).toBe(false);
  });

  it('without them the model loads uncompiled with the warning naming what is missing, as before', async () => {
    const artifacts = await trainedArtifacts();
    for (const [customObjects, missing] of [
      [undefined, 'scaled_abs_error'],
      [{ ScaledAbsError }, 'Halving'],
      [{ Halving }, 'scaled_abs_error'],
    ] as const) {
      const warnings: string[] = [];
      const loaded = await loadModel(tf.io.fromMemory(artifacts), { ...(customObjects ? { customObjects } : {}), onWarning: (w) => warnings.push(w) });
      models.push(loaded);
      expect(loaded.optimizer).toBeUndefined();
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain("Model 'co' was loaded without its compile state");
      expect(warnings[0]).toContain(missing);
      expect(warnings[1]).toContain('the file holds optimizer state, but the model is not compiled');
    }
  });

  it.each([
    ['a number', 42],
    ['an object with fromConfig', { fromConfig: (c: JsonObject) => new Halving(c as unknown as HalvingConfig) }],
    ['null', null],
  ])('an entry that is %s is refused by all three loaders, naming the key, before anything is read', async (_, entry) => {
    const artifacts = await trainedArtifacts();
    const before = tf.memory().numTensors;
    const options = { customObjects: { ScaledAbsError, Halving: entry as never } };
    for (const load of [
      () => loadModel(tf.io.fromMemory(artifacts), options),
      () => modelFromArtifacts(artifacts, options),
      () => modelFromJSON(artifacts.modelTopology, options),
    ]) {
      const error = await caught(load);
      expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as RidgeError).message).toContain('customObjects["Halving"]');
      expect((error as RidgeError).message).toContain('Pass the class itself');
      expect((error as RidgeError).details['argument']).toBe('customObjects["Halving"]');
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('customObjects itself must be an object', async () => {
    const error = await caught(() => modelFromJSON({}, { customObjects: [Halving] as never }));
    expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as RidgeError).message).toContain('customObjects must be an object');
  });

  it('an entry that builds something else is an error naming the key (not a warning), and frees what was loaded', async () => {
    const artifacts = await trainedArtifacts();
    const before = tf.memory().numTensors;
    const warnings: string[] = [];
    const notASchedule = (config: HalvingConfig) => ({ className: 'Halving', config });
    const error = await caught(() => loadModel(tf.io.fromMemory(artifacts), { customObjects: { Halving: notASchedule, ScaledAbsError }, onWarning: (w) => warnings.push(w) }));
    expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as RidgeError).message).toContain('customObjects["Halving"] built');
    expect((error as RidgeError).message).toContain('must be a learning-rate schedule');
    expect(warnings).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a factory and a class with a static fromConfig are used as Keras uses from_config', async () => {
    const artifacts = await trainedArtifacts();
    const seen: JsonObject[] = [];
    class FromConfigHalving extends Halving {
      static fromConfig(config: HalvingConfig): FromConfigHalving {
        seen.push({ ...config });
        return new FromConfigHalving(config);
      }
    }
    const metricFactory = (config: { scale: number; name: string }) => new ScaledAbsError(config);
    const loaded = await loadModel(tf.io.fromMemory(artifacts), { customObjects: { Halving: FromConfigHalving, ScaledAbsError: metricFactory } });
    models.push(loaded);
    expect(seen).toEqual([{ initialLearningRate: 0.1, every: 2 }]);
    expect((loaded.optimizer as unknown as { learningRateSchedule: unknown }).learningRateSchedule).toBeInstanceOf(FromConfigHalving);
    expect(loaded.compileArgs?.metrics).toEqual([expect.any(ScaledAbsError)]);
  });
});

/** A regularizer nobody registered: `factor * sum(|x|^3)`. */
class CubeNorm implements Regularizer {
  readonly className = 'CubeNorm';
  readonly factor: number;
  constructor(config: { factor: number }) {
    this.factor = config.factor;
  }
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(tf.sum(tf.pow(tf.abs(x), 3)), this.factor) as tf.Scalar);
  }
  getConfig(): JsonObject {
    return { factor: this.factor };
  }
}

interface ScaleArgs extends LayerArgs {
  factor: number;
}

/** A layer nobody registered: multiplies its inputs by `factor`. */
class Scale extends Layer {
  static override readonly className = 'Scale';
  static override readonly argKeys = argKeys<ScaleArgs>()(['factor'], []);
  readonly factor: number;
  constructor(args: ScaleArgs) {
    super(args);
    this.factor = args.factor;
  }
  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    return tf.mul(inputs as tf.Tensor, this.factor);
  }
  protected override layerConfig(): JsonObject {
    return { factor: this.factor };
  }
}

describe('customObjects also stand for layers, regularizers and losses that are not registered (as Keras custom_objects)', () => {
  function scaled(): Model {
    const inp = input({ shape: [2], name: 'sc_in' });
    const d = dense({ units: 1, name: 'sc_d', kernelRegularizer: new CubeNorm({ factor: 0.5 }) }).apply(inp);
    const m = model({ inputs: inp, outputs: new Scale({ factor: 3, name: 'sc_scale' }).apply(d), name: 'sc' });
    models.push(m);
    return m;
  }

  it('a model with a custom layer and a custom kernel regularizer comes back from its JSON, and computes the same', () => {
    const json = JSON.parse(JSON.stringify(scaled().toJSON())) as JsonObject;
    const unknown = caught(() => modelFromJSON(json));
    return unknown.then(async (error) => {
      expect(RidgeError.is(error, 'UNKNOWN_NAME')).toBe(true);
      const before = tf.memory().numTensors;
      const loaded = modelFromJSON(json, { customObjects: { Scale, CubeNorm } });
      models.push(loaded);
      expect(loaded.layers[1]!.weights[0]!.regularizer).toBeInstanceOf(CubeNorm);
      expect(loaded.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Scale']);
      const w = [tf.tensor2d([0.5, -2], [2, 1]), tf.tensor1d([0.25])];
      loaded.setWeights(w);
      tf.dispose(w);
      // By hand: y = 3 * (0.5 * 1 - 2 * 4 + 0.25); penalty = 0.5 * (0.5^3 + 2^3).
      const x = tf.tensor2d([[1, 4]]);
      const y = loaded.predict(x) as tf.Tensor;
      expect(numbers(y)[0]).toBeCloseTo(3 * (0.5 - 8 + 0.25), 5);
      expect(loaded.penalties().total).toBeCloseTo(0.5 * (0.125 + 8), 5);
      tf.dispose([x, y]);
      expect(registry('layer').has('Scale')).toBe(false);
      expect(registry('regularizer').has('CubeNorm')).toBe(false);
      loaded.dispose();
      models.pop();
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it("a Keras 3 file's registered_name ('package>Name') is the key", () => {
    const json = JSON.parse(JSON.stringify(scaled().toJSON())) as { config: { layers: { class_name: string; registered_name?: string }[] } };
    const entry = json.config.layers.find((l) => l.class_name === 'Scale')!;
    entry.registered_name = 'my_pkg>Scale';
    const error = caught(() => modelFromJSON(json, { customObjects: { Scale, CubeNorm } }));
    return error.then((e) => {
      expect(RidgeError.is(e, 'UNKNOWN_NAME')).toBe(true);
      expect((e as RidgeError).message).toContain('my_pkg>Scale');
      const loaded = modelFromJSON(json, { customObjects: { 'my_pkg>Scale': Scale, CubeNorm } });
      models.push(loaded);
      expect(loaded.layers[2]).toBeInstanceOf(Scale);
    });
  });

  it('a registered name wins over customObjects, as Keras registered objects do', () => {
    const json = JSON.parse(JSON.stringify(scaled().toJSON())) as JsonObject;
    class NotDense extends Scale {}
    const loaded = modelFromJSON(json, { customObjects: { Scale, CubeNorm, Dense: NotDense } });
    models.push(loaded);
    expect(loaded.layers[1]!.className).toBe('Dense');
    expect(loaded.layers[1]).not.toBeInstanceOf(NotDense);
  });

  it('a loss function saved by its name is the function customObjects maps it to', async () => {
    function cubedError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
      return tf.mean(tf.pow(tf.abs(tf.sub(yTrue, yPred)), 3), -1);
    }
    const m = scaled();
    m.compile({ optimizer: 'sgd', loss: cubedError });
    const json = JSON.parse(JSON.stringify(m.toJSON())) as JsonObject;
    const loaded = modelFromJSON(json, { customObjects: { Scale, CubeNorm, cubedError } });
    models.push(loaded);
    const w = [tf.tensor2d([1, 0], [2, 1]), tf.tensor1d([0])];
    loaded.setWeights(w);
    tf.dispose(w);
    const [x, y] = [tf.tensor2d([[1, 0]]), tf.tensor2d([[1]])];
    const logs = await loaded.evaluate(x, y, { verbose: 0 });
    tf.dispose([x, y]);
    // y_pred = 3 * 1 = 3: data loss |1 - 3|^3 = 8; penalty 0.5 * 1^3.
    expect((logs as Record<string, number>)['data_loss']).toBeCloseTo(8, 5);
    expect((logs as Record<string, number>)['loss']).toBeCloseTo(8.5, 5);
  });
});
