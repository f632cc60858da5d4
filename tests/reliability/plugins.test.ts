/**
 * Plugins that register a name twice, or after a model was compiled, get the documented
 * behaviour (DESIGN.md section 3, @ridge/core's README):
 * - the same entry twice, or the same names from the same package and version (a module
 *   evaluated twice), is a no-op;
 * - a different entry under a taken name throws DUPLICATE_NAME (registering none of its names)
 *   unless `override: true`;
 * - names resolve when they are used: `compile` resolves its names at compile time, so an
 *   already-compiled model keeps the instance it resolved, and a name registered later is usable
 *   by a later compile; a layer resolves its regularizer when it is constructed.
 */
import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { RidgeError, registry, registryGeneration, type FactoryEntry, type Regularizer } from '@ridge/core';
import { dense, input, model, sequential, type Model } from '@ridge/layers';
import * as tf from '@tensorflow/tfjs-core';
import { groupLassoEntry } from 'ridge-regularizer-group-lasso';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const PKG = 'reliability-plugin';
const mine: string[] = [];

afterEach(() => {
  for (const name of mine.splice(0)) registry('regularizer').unregister(name);
});

/** A regularizer whose penalty is its tag (a constant), so logs show which instance ran. */
class Tagged implements Regularizer {
  readonly className: string;
  constructor(
    name: string,
    readonly tag: number,
  ) {
    this.className = name;
  }
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.add(tf.mul(tf.sum(x), 0), this.tag) as tf.Scalar);
  }
  getConfig() {
    return { tag: this.tag };
  }
}

function tagged(name: string, tag: number, pkg = PKG): FactoryEntry<'regularizer'> {
  if (!mine.includes(name)) mine.push(name);
  return { kind: 'regularizer', name, package: pkg, create: () => new Tagged(name, tag) };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

function tiny(name: string): Model {
  const inp = input({ shape: [2], name: `${name}_in` });
  return model({ inputs: inp, outputs: dense({ units: 1, name }).apply(inp) });
}

const X = [[1, 2], [3, 4], [5, 6], [7, 8]];
const Y = [[1], [2], [3], [4]];

async function penaltyOf(m: Model, path: string): Promise<number> {
  const h = await m.fit(X, Y, { epochs: 1, batchSize: 4, verbose: 0 });
  return h.history[`penalty/${path}`]![0]!;
}

describe('registering a name twice', () => {
  it('a plugin module evaluated twice (the same entry, or the same names from the same package and version) is a no-op', () => {
    const generation = registryGeneration();
    const names = registry('regularizer').list();
    registry('regularizer').register(groupLassoEntry);
    registry('regularizer').register({ ...groupLassoEntry, create: groupLassoEntry.create });
    expect(registryGeneration()).toBe(generation);
    expect(registry('regularizer').list()).toEqual(names);
    expect(registry('regularizer').resolve('groupLasso')).toBe(groupLassoEntry);
  });

  it('a different plugin under a taken name is DUPLICATE_NAME, registers none of its names, and models keep working', async () => {
    const m = tiny('dup_host');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'groupLasso' });
    const generation = registryGeneration();
    const error = thrown(() =>
      registry('regularizer').register({ kind: 'regularizer', name: 'reliability>Fresh', aliases: ['groupLasso'], package: 'impostor', create: () => new Tagged('x', 1) }),
    );
    expect(RidgeError.is(error, 'DUPLICATE_NAME')).toBe(true);
    expect((error as Error).message).toContain("'groupLasso'");
    expect((error as Error).message).toContain('impostor');
    expect((error as Error).message).toContain('ridge-regularizer-group-lasso');
    expect(registry('regularizer').has('reliability>Fresh')).toBe(false);
    expect(registryGeneration()).toBe(generation);
    expect(registry('regularizer').resolve('groupLasso')).toBe(groupLassoEntry);
    const h = await m.fit(X, Y, { epochs: 1, verbose: 0 });
    expect(Number.isFinite(h.history['loss']![0])).toBe(true);
    m.dispose();
  });

  it('override: true replaces the entry; the next resolution uses the new one', () => {
    registry('regularizer').register(tagged('reliability>Swap', 1));
    registry('regularizer').register(tagged('reliability>Swap', 2, 'another-plugin'), { override: true });
    expect((registry('regularizer').resolve('reliability>Swap').create({}) as Tagged).tag).toBe(2);
  });
});

describe('registering after a model was compiled', () => {
  it('an already-compiled model keeps the instance compile resolved; a later compile resolves the new entry', async () => {
    registry('regularizer').register(tagged('reliability>Late', 1));
    const m = tiny('late_host');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'reliability>Late' as never });
    registry('regularizer').register(tagged('reliability>Late', 7, 'another-plugin'), { override: true });
    expect(await penaltyOf(m, 'late_host/kernel')).toBeCloseTo(1, 6);
    expect(m.penalties().terms.map((t) => t.config)).toEqual([{ tag: 1 }]);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'reliability>Late' as never });
    expect(await penaltyOf(m, 'late_host/kernel')).toBeCloseTo(7, 6);
    m.dispose();
  });

  it('unregistering a name after compile does not break the compiled model', async () => {
    registry('regularizer').register(tagged('reliability>Gone', 3));
    const m = tiny('gone_host');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'reliability>Gone' as never });
    registry('regularizer').unregister('reliability>Gone');
    expect(await penaltyOf(m, 'gone_host/kernel')).toBeCloseTo(3, 6);
    m.dispose();
  });

  it('a compile refused for an unknown name changes nothing; after the plugin registers, the same compile works', async () => {
    const m = tiny('unknown_host');
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const args = m.compileArgs;
    const optimizer = m.optimizer;
    const before = tf.memory().numTensors;
    const error = thrown(() => m.compile({ optimizer: 'adam', loss: 'mse', regularization: 'reliability>NotYet' as never }));
    expect(RidgeError.is(error, 'UNKNOWN_NAME')).toBe(true);
    expect((error as Error).message).toContain('regularization');
    expect((error as Error).message).toContain('"reliability>NotYet"');
    expect((error as Error).message).toContain("import 'reliability'");
    expect(m.compileArgs).toBe(args);
    expect(m.optimizer).toBe(optimizer);
    expect(tf.memory().numTensors).toBe(before);
    registry('regularizer').register(tagged('reliability>NotYet', 5));
    m.compile({ optimizer: 'adam', loss: 'mse', regularization: 'reliability>NotYet' as never });
    expect(await penaltyOf(m, 'unknown_host/kernel')).toBeCloseTo(5, 6);
    m.dispose();
  });

  it('a layer resolves its regularizer when constructed: overriding the name later does not change it', async () => {
    registry('regularizer').register(tagged('reliability>AtLayer', 2));
    const inp = input({ shape: [2] });
    const m = model({ inputs: inp, outputs: dense({ units: 1, name: 'at_layer', kernelRegularizer: 'reliability>AtLayer' as never }).apply(inp) });
    registry('regularizer').register(tagged('reliability>AtLayer', 9, 'another-plugin'), { override: true });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(await penaltyOf(m, 'at_layer/kernel')).toBeCloseTo(2, 6);
    m.dispose();
  });

  it('a registration while fit runs does not change the running fit', async () => {
    registry('regularizer').register(tagged('reliability>MidFit', 1));
    const m = tiny('midfit_host');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'reliability>MidFit' as never });
    const h = await m.fit(X, Y, {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
      callbacks: { onEpochEnd: (epoch: number) => void (epoch === 0 && registry('regularizer').register(tagged('reliability>MidFit', 4, 'another-plugin'), { override: true })) },
    });
    expect(h.history['penalty/midfit_host/kernel']).toEqual([1, 1, 1]);
    m.dispose();
  });

  it('a sequential model compiled before its input shape is known also keeps what compile resolved', async () => {
    registry('regularizer').register(tagged('reliability>Deferred', 1));
    const s = sequential({ layers: [dense({ units: 1, name: 'deferred_dense' })] });
    s.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'reliability>Deferred' as never });
    registry('regularizer').register(tagged('reliability>Deferred', 6, 'another-plugin'), { override: true });
    // The first fit builds the graph; the penalty shows which instance it used.
    expect(await penaltyOf(s, 'deferred_dense/kernel')).toBeCloseTo(1, 6);
    s.dispose();
  });
});
