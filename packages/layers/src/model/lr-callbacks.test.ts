import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { caught, useCpu } from '../../test/setup.js';
import {
  dense,
  input,
  learningRateScheduler,
  model,
  reduceLROnPlateau,
  type Callback,
  type CallbackModel,
  type Logs,
  type Model,
  type ReduceLROnPlateauArgs,
} from '../index.js';

useCpu();

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * y = w x with w starting at 0, trained on X, Y in one full batch with SGD: the loss is
 * mean((w x - y)^2) = 2.5 (w - 2)^2, its gradient 5 (w - 2), so one epoch is
 * w <- w - lr * 5 (w - 2).
 */
const X = [[1], [2]];
const Y = [[2], [4]];
const lossAt = (w: number) => 2.5 * (w - 2) ** 2;
const stepFrom = (w: number, lr: number) => w - lr * 5 * (w - 2);

function line(name: string, lr = 0.1): Model {
  const inp = input({ shape: [1], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, useBias: false, name, kernelInitializer: 'zeros' }).apply(inp) });
  m.compile({ optimizer: sgd(lr), loss: 'mse' });
  return m;
}

function kernel(m: Model): number {
  const [w] = m.getWeights();
  const value = w!.dataSync()[0]!;
  w!.dispose();
  return value;
}

/** Records the kernel at the end of every epoch. */
function kernelTrace(): Callback & { values: number[] } {
  let watched: CallbackModel | undefined;
  const values: number[] = [];
  return {
    values,
    setModel: (m) => void (watched = m),
    onEpochEnd: () => {
      const [w] = watched!.getWeights();
      values.push(w!.dataSync()[0]!);
      w!.dispose();
    },
  };
}

describe('reduceLROnPlateau follows Keras 3', () => {
  /**
   * Runs the callback over monitored values, one per epoch, as fit would, on a fake model whose
   * learning rate starts at 1. Returns the epochs at whose end the rate changed, the
   * `learning_rate` logged each epoch and the final rate.
   */
  function run(values: readonly number[], args: ReduceLROnPlateauArgs = {}, monitor = 'val_loss') {
    const cb = reduceLROnPlateau({ monitor, ...args });
    const fake = { stopTraining: false, getWeights: () => [], setWeights: () => {}, optimizer: { learningRate: 1 } };
    cb.setModel(fake);
    cb.onTrainBegin();
    const drops: number[] = [];
    const logged: number[] = [];
    values.forEach((value, epoch) => {
      const logs: Logs = { [monitor]: value };
      const before = fake.optimizer.learningRate;
      cb.onEpochEnd(epoch, logs);
      logged.push(logs['learning_rate']!);
      if (fake.optimizer.learningRate !== before) drops.push(epoch);
    });
    return { drops, logged, lr: fake.optimizer.learningRate };
  }

  /** One improvement at epoch 0 (anything beats +Infinity), then never again. */
  const FLAT = [1, 2, 2, 2, 2, 2, 2, 2, 2, 2];

  it('drops after patience epochs without improvement, and counts again from 0', () => {
    // Keras: wait += 1 per epoch without improvement; at wait >= patience the rate drops and wait = 0.
    // Best 0.9 at epoch 1; then epochs 2, 3 -> drop at 3; 4, 5 -> drop at 5; 6, 7 -> drop at 7.
    const r = run([1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0], { patience: 2, factor: 0.5 });
    expect(r.drops).toEqual([3, 5, 7]);
    // The logs carry the rate the epoch trained with (read before the drop), as Keras's.
    expect(r.logged).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(r.lr).toBe(0.125);
    // patience 0: every epoch without improvement drops (wait 1 >= 0).
    expect(run(FLAT, { patience: 0, factor: 0.5 }).drops).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The defaults: factor 0.1, patience 10.
    expect(run([...FLAT, 2, 2], {})).toMatchObject({ drops: [10] });
    expect(run([...FLAT, 2, 2], {}).lr).toBeCloseTo(0.1, 15);
  });

  it('cooldown: the epochs after a drop do not count, except the last, which Keras counts', () => {
    // Keras decrements cooldown_counter (and zeroes wait) before it checks in_cooldown, so the
    // epoch that brings it to 0 already counts: after a drop at d, the next is at d + (c - 1) + p
    // (for c >= 1), at d + p without cooldown.
    expect(run(FLAT, { patience: 2, factor: 0.5 }).drops).toEqual([2, 4, 6, 8]);
    expect(run(FLAT, { patience: 2, factor: 0.5, cooldown: 2 }).drops).toEqual([2, 5, 8]);
    expect(run(FLAT, { patience: 2, factor: 0.5, cooldown: 3 }).drops).toEqual([2, 6]);
    expect(run(FLAT, { patience: 1, factor: 0.5, cooldown: 2 }).drops).toEqual([1, 3, 5, 7, 9]);
    // cooldown 1 changes nothing.
    expect(run(FLAT, { patience: 1, factor: 0.5, cooldown: 1 }).drops).toEqual(run(FLAT, { patience: 1, factor: 0.5 }).drops);
    // An improvement during the cooldown still sets the best: drop at 2, 0.5 at epoch 3 is the new
    // best, so the 0.6s after the cooldown (4, 5) do not improve -> epochs 5, 6 count -> drop at 6.
    // (Had the best stayed 1, every 0.6 would improve and nothing would drop after epoch 2.)
    expect(run([1, 2, 2, 0.5, 0.6, 0.6, 0.6, 0.6], { patience: 2, factor: 0.5, cooldown: 3 }).drops).toEqual([2, 6]);
  });

  it('minLr: the rate never goes below it, and a rate at minLr is not reduced again (float32 compare)', () => {
    // 1 -> max(0.5, 0.3) = 0.5 -> max(0.25, 0.3) = 0.3, then old > minLr fails: no more drops.
    const r = run(FLAT, { patience: 1, factor: 0.5, minLr: 0.3 });
    expect(r.drops).toEqual([1, 2]);
    expect(r.logged).toEqual([1, 1, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
    // float32(0.7) < 0.7: Keras reads the rate from a float32 variable, so once clamped to minLr it
    // equals float32(minLr) and is not "reduced" again (no second message, no cooldown restart).
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const clamped = run(FLAT, { patience: 1, factor: 0.5, minLr: 0.7, verbose: 1 });
    expect(clamped.lr).toBe(0.7);
    expect(log.mock.calls.map((c) => String(c[0]))).toEqual(['Epoch 2: ReduceLROnPlateau reducing learning rate to 0.7.']);
  });

  it("mode: 'auto' is max for keys with acc, min otherwise; minDelta is the smallest improvement", () => {
    const acc = [0.5, 0.6, 0.6, 0.59, 0.7, 0.7, 0.7];
    // max: best 0.6 at 1; 2, 3 do not beat it -> drop at 3; 0.7 at 4 is a new best; 5, 6 -> drop at 6.
    expect(run(acc, { patience: 2 }, 'val_accuracy').drops).toEqual([3, 6]);
    expect(run(acc, { patience: 2, mode: 'max' }, 'val_loss').drops).toEqual([3, 6]);
    // min: best 0.5 at 0; 1, 2 -> drop at 2; 3, 4 -> drop at 4; 5, 6 -> drop at 6.
    expect(run(acc, { patience: 2, mode: 'min' }, 'val_accuracy').drops).toEqual([2, 4, 6]);
    const falling = [1, 0.95, 0.9, 0.85, 0.8];
    expect(run(falling, { patience: 1 }).drops).toEqual([]);
    // minDelta 0.06: improving means value < best - 0.06. 0.95 is not (< 0.94): drop at 1;
    // 0.9 is (best 0.9); 0.85 is not (< 0.84): drop at 3; 0.8 is.
    expect(run(falling, { patience: 1, minDelta: 0.06 }).drops).toEqual([1, 3]);
  });

  it('onTrainBegin starts a fit afresh: best, wait and cooldown', () => {
    const cb = reduceLROnPlateau({ patience: 3, cooldown: 2 });
    const fake = { stopTraining: false, getWeights: () => [], setWeights: () => {}, optimizer: { learningRate: 1 } };
    cb.setModel(fake);
    cb.onTrainBegin();
    cb.onEpochEnd(0, { val_loss: 0.1 });
    cb.onEpochEnd(1, { val_loss: 0.2 });
    expect([cb.best, cb.wait]).toEqual([0.1, 1]);
    cb.onTrainBegin();
    expect([cb.best, cb.wait, cb.cooldownCounter]).toEqual([Number.POSITIVE_INFINITY, 0, 0]);
  });

  it('in fit: the rate drops between epochs, the step after a drop is factor times smaller, and learning_rate is in the history', async () => {
    const before = tf.memory().numTensors;
    const m = line('plateau_fit');
    const trace = kernelTrace();
    // minDelta 1e9: only epoch 0 improves (on +Infinity), so with patience 1 the rate halves at
    // the end of epochs 1, 2 and 3.
    const reducer = reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 1e9 });
    const h = await m.fit(X, Y, { epochs: 5, batchSize: 2, shuffle: false, verbose: 0, callbacks: [reducer, trace] });
    const lrs = [0.1, 0.1, 0.05, 0.025, 0.0125];
    expect(h.history['learning_rate']).toEqual(lrs);
    const ws: number[] = [];
    let w = 0;
    for (const lr of lrs) ws.push((w = stepFrom(w, lr)));
    trace.values.forEach((value, i) => expect(value).toBeCloseTo(ws[i]!, 5));
    // The loss of an epoch is read before its step, at the previous epoch's kernel.
    h.history['loss']!.forEach((loss, i) => expect(loss).toBeCloseTo(lossAt(i === 0 ? 0 : ws[i - 1]!), 4));
    expect(m.optimizer!.learningRate).toBe(0.00625);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a monitor missing from the logs warns once; the rate stays and is still logged', async () => {
    const m = line('plateau_missing');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = await m.fit(X, Y, { epochs: 3, batchSize: 2, verbose: 0, callbacks: [reduceLROnPlateau({ patience: 0 })] });
    expect(h.history['learning_rate']).toEqual([0.1, 0.1, 0.1]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/reduceLROnPlateau: monitor 'val_loss' is not in the logs.*available: loss.*validationSplit/);
    m.dispose();
  });
});

describe('learningRateScheduler follows Keras 3', () => {
  it('sets schedule(epoch, lr) at every epoch begin; the weights show each epoch step size', async () => {
    const before = tf.memory().numTensors;
    const m = line('schedule_fit');
    const trace = kernelTrace();
    const calls: [number, number][] = [];
    const schedule = (epoch: number, lr: number) => {
      calls.push([epoch, lr]);
      return epoch < 2 ? lr : lr / 10;
    };
    const h = await m.fit(X, Y, { epochs: 4, batchSize: 2, shuffle: false, verbose: 0, callbacks: [learningRateScheduler(schedule), trace] });
    // The schedule sees the rate it set for the previous epoch.
    expect(calls).toEqual([[0, 0.1], [1, 0.1], [2, 0.1], [3, 0.1 / 10]]);
    const lrs = [0.1, 0.1, 0.1 / 10, 0.1 / 10 / 10];
    expect(h.history['learning_rate']).toEqual(lrs);
    let w = 0;
    lrs.forEach((lr, i) => expect(trace.values[i]).toBeCloseTo((w = stepFrom(w, lr)), 5));
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts epochs from initialEpoch, as Keras passes the epoch index', async () => {
    const m = line('schedule_initial');
    const seen: number[] = [];
    await m.fit(X, Y, { epochs: 4, initialEpoch: 2, verbose: 0, callbacks: learningRateScheduler({ schedule: (e, lr) => (seen.push(e), lr) }) });
    expect(seen).toEqual([2, 3]);
    m.dispose();
  });

  it('verbose 1 prints the rate it sets, as Keras', async () => {
    const m = line('schedule_verbose');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await m.fit(X, Y, { epochs: 2, verbose: 0, callbacks: learningRateScheduler({ schedule: (e) => 0.5 / (e + 1), verbose: 1 }) });
    expect(log.mock.calls.map((c) => String(c[0]))).toEqual(['Epoch 1: LearningRateScheduler setting learning rate to 0.5.', 'Epoch 2: LearningRateScheduler setting learning rate to 0.25.']);
    m.dispose();
  });

  it('a schedule value that is not a finite number >= 0 rejects fit and leaves the rate and weights as they were', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -0.1, '0.1', undefined]) {
      const before = tf.memory().numTensors;
      const m = line('schedule_bad');
      // Epoch 0 trains at 0.05; epoch 1's value is refused before it is set or any step runs.
      const error = await caught(() => m.fit(X, Y, { epochs: 3, batchSize: 2, verbose: 0, callbacks: learningRateScheduler((e) => (e === 0 ? 0.05 : (bad as number))) }));
      expect(error, String(bad)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/^learningRateScheduler: schedule must return a finite number >= 0 .*schedule\(1, 0\.05\) returned /),
        details: { argument: 'schedule', epoch: 1 },
      });
      expect((error as Error).message).toContain(`returned ${bad === '0.1' ? '"0.1"' : String(bad)}`);
      expect(m.optimizer!.learningRate).toBe(0.05);
      expect(kernel(m)).toBeCloseTo(stepFrom(0, 0.05), 6);
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('learning-rate callbacks: options and optimizers', () => {
  it('refuse unknown options (naming the closest) and bad values, naming the argument and the value', () => {
    const cases: [() => unknown, string, RegExp][] = [
      [() => reduceLROnPlateau({ factr: 0.5 } as never), 'factr', /^reduceLROnPlateau: unknown option "factr" \(did you mean 'factor'\?\)/],
      [() => reduceLROnPlateau({ factor: 1 }), 'factor', /^reduceLROnPlateau: factor must be a number >= 0 and < 1; received 1\.$/],
      [() => reduceLROnPlateau({ factor: 2 }), 'factor', /factor must be a number >= 0 and < 1; received 2\./],
      [() => reduceLROnPlateau({ factor: Number.NaN }), 'factor', /factor must be a number >= 0 and < 1; received NaN\./],
      [() => reduceLROnPlateau({ patience: -1 }), 'patience', /^reduceLROnPlateau: patience must be an integer >= 0; received -1\.$/],
      [() => reduceLROnPlateau({ cooldown: 1.5 }), 'cooldown', /cooldown must be an integer >= 0; received 1\.5\./],
      [() => reduceLROnPlateau({ minLr: -0.1 }), 'minLr', /minLr must be a finite number >= 0; received -0\.1\./],
      [() => reduceLROnPlateau({ minDelta: -1 }), 'minDelta', /minDelta must be a finite number >= 0; received -1\./],
      [() => reduceLROnPlateau({ mode: 'maximum' as 'max' }), 'mode', /mode must be 'min', 'max' or 'auto'; received "maximum"\./],
      [() => reduceLROnPlateau({ verbose: 2 as 1 }), 'verbose', /verbose must be 0 or 1; received 2\./],
      [() => learningRateScheduler('0.1' as never), 'schedule', /^learningRateScheduler: schedule must be a function .*; received "0\.1"\.$/],
      [() => learningRateScheduler({ schedule: 0.1 } as never), 'schedule', /schedule must be a function .*; received 0\.1\./],
      [() => learningRateScheduler(undefined as never), 'schedule', /schedule must be a function .*; received undefined\./],
      [() => learningRateScheduler({ schedule: (e: number, lr: number) => lr, verbos: 1 } as never), 'verbos', /^learningRateScheduler: unknown option "verbos" \(did you mean 'verbose'\?\)/],
    ];
    for (const [make, argument, message] of cases) {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(error, message.source).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message), details: { argument } });
    }
  });

  it('an optimizer whose learning rate cannot be set is refused by name, before training begins', async () => {
    const frozen = { stopTraining: false, getWeights: () => [], setWeights: () => {}, optimizer: { get learningRate() { return 0.1; } } };
    const scheduler = learningRateScheduler(() => 0.01);
    scheduler.setModel(frozen);
    expect(await caught(() => scheduler.onEpochBegin(0))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^learningRateScheduler: the model's optimizer did not take the learning rate 0\.01 \(it still reads 0\.1\)/),
      details: { argument: 'optimizer' },
    });
    const reducer = reduceLROnPlateau();
    reducer.setModel({ stopTraining: false, getWeights: () => [], setWeights: () => {} });
    expect(await caught(() => reducer.onTrainBegin())).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/no optimizer/) });
  });

  it('an optimizer with a learning-rate schedule is refused before the first step, naming the callback and the schedule', async () => {
    // Keras 3 cannot set the rate of an optimizer built on a schedule either; Ridge says so when
    // fit starts, not after `patience` epochs have already moved the weights.
    const { exponentialDecay } = await import('@ridge/optimizers/schedules');
    for (const [callback, name] of [
      [reduceLROnPlateau({ monitor: 'loss', patience: 2 }), 'reduceLROnPlateau'],
      [learningRateScheduler((_, lr) => lr / 2), 'learningRateScheduler'],
    ] as const) {
      const inp = input({ shape: [1] });
      const m = model({ inputs: inp, outputs: dense({ units: 1, useBias: false, kernelInitializer: 'zeros' }).apply(inp) });
      const optimizer = sgd({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
      m.compile({ optimizer, loss: 'mse' });
      const before = tf.memory().numTensors;
      const error = await caught(() => m.fit(X, Y, { epochs: 5, batchSize: 2, verbose: 0, callbacks: [callback] }));
      expect(error, name).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(new RegExp(`^${name}: SGD: learningRate is set by its schedule \\(ExponentialDecay\\)`)),
        details: { argument: 'learningRate' },
      });
      // Nothing trained: the kernel is still 0 and the optimizer took no step.
      expect(m.weights[0]!.read().dataSync()[0]).toBe(0);
      expect(optimizer.iterations).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    }
  });

  it("a user's own callback reads and sets the learning rate through CallbackModel, without casts", async () => {
    class Halve implements Callback {
      private model: CallbackModel | undefined;
      setModel(m: CallbackModel): void {
        this.model = m;
      }
      onEpochEnd(): void {
        const optimizer = this.model?.optimizer;
        if (optimizer) optimizer.learningRate = optimizer.learningRate / 2;
      }
    }
    const m = line('user_halve');
    const trace = kernelTrace();
    await m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, callbacks: [new Halve(), trace] });
    let w = 0;
    [0.1, 0.05, 0.025].forEach((lr, i) => expect(trace.values[i]).toBeCloseTo((w = stepFrom(w, lr)), 5));
    expect(m.optimizer!.learningRate).toBe(0.0125);
    m.dispose();
  });
});
