import { exponentialDecay, sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { numbers, useCpu } from '../../test/setup.js';
import { dense, input, loadModel, model, type CompileArgs, type Model } from '../index.js';

useCpu();

/** A model whose kernel is [3, 4] (not square, so a transposed slot has the same bytes and another shape). */
function small(name: string, optimizer: CompileArgs['optimizer']): Model {
  const inp = input({ shape: [3], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 4, name: `${name}_d` }).apply(inp), name });
  m.compile({ optimizer, loss: 'mse' });
  return m;
}

async function savedWithOptimizer(m: Model): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })),
    { includeOptimizer: true },
  );
  return saved!;
}

const xs = (): tf.Tensor => tf.tensor2d([[1, 2, 3], [0, -1, 1]]);
const ys = (): tf.Tensor => tf.tensor2d([[1, 0, 0, 1], [0, 1, 1, 0]]);

async function trainOnce(m: Model): Promise<void> {
  const [x, y] = [xs(), ys()];
  await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  tf.dispose([x, y]);
}

describe('loading optimizer state that does not fit the model', () => {
  it.each([
    ['Adam', 'adam' as CompileArgs['optimizer'], 'kernel/momentum'],
    ['SGD with momentum', sgd({ learningRate: 0.1, momentum: 0.9 }), 'kernel/momentum'],
  ])('%s: a slot stored as [4, 3] for a [3, 4] kernel warns and starts the optimizer fresh, as a bad iterations does', async (_, optimizer, slot) => {
    const m = small('st', optimizer);
    await trainOnce(m);
    expect(m.optimizer!.iterations).toBe(1);
    const artifacts = await savedWithOptimizer(m);
    const specs = structuredClone(artifacts.weightSpecs!);
    const spec = specs.find((s) => s.name === `st_d/${slot}`)!;
    expect(spec.shape).toEqual([3, 4]);
    spec.shape = [4, 3];
    const before = tf.memory().numTensors;
    const warnings: string[] = [];
    const loaded = await loadModel(tf.io.fromMemory({ ...artifacts, weightSpecs: specs }), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`the slot 'st_d/${slot}' has shape [4, 3], but the weight 'st_d/kernel' has shape [3, 4]`);
    expect(warnings[0]).toContain('fresh optimizer state');
    // Nothing of the state was kept: not the step count, not the slots of the other weights.
    expect(loaded.optimizer!.iterations).toBe(0);
    expect((loaded.optimizer as unknown as { getWeights(): { name: string; tensor: tf.Tensor }[] }).getWeights().map((w) => (w.tensor.dispose(), w.name))).toEqual(['iterations']);
    // The model's own weights are the saved ones, and it trains.
    expect(numbers(loaded.weights.find((w) => w.path === 'st_d/kernel')!.variable)).toEqual(numbers(m.weights.find((w) => w.path === 'st_d/kernel')!.variable));
    await trainOnce(loaded);
    expect(loaded.optimizer!.iterations).toBe(1);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('a slot of a weight the model does not have warns and starts fresh', async () => {
    const m = small('sx', 'adam');
    await trainOnce(m);
    const artifacts = await savedWithOptimizer(m);
    const specs = structuredClone(artifacts.weightSpecs!);
    specs.find((s) => s.name === 'sx_d/bias/velocity')!.name = 'other/bias/velocity';
    const warnings: string[] = [];
    const loaded = await loadModel(tf.io.fromMemory({ ...artifacts, weightSpecs: specs }), { onWarning: (w) => warnings.push(w) });
    expect(warnings.join('\n')).toContain("a slot 'other/bias/velocity', but model 'sx' has no weight 'other/bias'");
    expect(loaded.optimizer!.iterations).toBe(0);
    await trainOnce(loaded);
    for (const x of [m, loaded]) x.dispose();
  });
});

describe('an optimizer with a learning-rate schedule', () => {
  it('is saved with the model and loads to go on at the same step and rate, training as the original does', async () => {
    const schedule = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const m = small('sched', sgd({ learningRate: schedule, momentum: 0.5 }));
    await trainOnce(m);
    await trainOnce(m);
    // Two steps taken: the next one runs at 0.1 * 0.5^2.
    expect(m.optimizer!.learningRate).toBeCloseTo(0.025, 12);
    const loaded = await loadModel(tf.io.fromMemory(await savedWithOptimizer(m)));
    expect(loaded.optimizer!.iterations).toBe(2);
    expect(loaded.optimizer!.learningRate).toBeCloseTo(0.025, 12);
    expect((loaded.optimizer as unknown as { getConfig(): Record<string, unknown> }).getConfig()['learningRate']).toEqual({
      className: 'ExponentialDecay',
      config: schedule.getConfig(),
    });
    await trainOnce(m);
    await trainOnce(loaded);
    const kernel = (x: Model) => numbers(x.weights.find((w) => w.path === 'sched_d/kernel')!.variable);
    kernel(loaded).forEach((v, i) => expect(v).toBeCloseTo(kernel(m)[i]!, 6));
    loaded.dispose();
    m.dispose();
  });
});
