import {
  RidgeError,
  dense,
  getRegularizer,
  initBackend,
  input,
  l2,
  model,
  modelFromJSON,
  registry,
  serializeRegularizer,
  type Model,
} from '@ridge/all';
import { GroupLasso, groupLassoEntry } from 'ridge-regularizer-group-lasso';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

// The plugin as a user meets it: next to @ridge/all, used by name, saved as JSON and read back.

const GL = 'ridge-regularizer-group-lasso>GroupLasso';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

function build(): Model {
  const inp = input({ shape: [6], name: 'x' });
  const h = dense({ units: 5, activation: 'relu', name: 'dense_1', kernelRegularizer: { className: 'groupLasso', config: { factor: 0.02 } }, biasRegularizer: 'l2' }).apply(inp);
  const out = dense({ units: 3, activation: 'softmax', name: 'dense_2' }).apply(h);
  return model({ inputs: inp, outputs: out, name: 'with_plugin' });
}

describe('ridge-regularizer-group-lasso next to @ridge/all', () => {
  it('joins the built-in regularizers in the one registry', () => {
    const names = registry('regularizer').list();
    expect(names).toEqual(expect.arrayContaining(['l1', 'l2', 'L1L2', 'orthogonal', 'groupLasso', GL]));
    expect(getRegularizer('groupLasso')).toBeInstanceOf(GroupLasso);
    expect(serializeRegularizer(getRegularizer('groupLasso'))).toEqual({ className: GL, config: { factor: 0.01, axis: 0 } });
  });

  it('mixes with built-ins in per-layer regularizers and in model-level rules', () => {
    const m = build();
    m.compile({
      optimizer: 'adam',
      loss: 'categoricalCrossentropy',
      regularization: [
        { regularizer: l2(0.001), include: 'dense_1/kernel', onConflict: 'add' },
        { regularizer: 'groupLasso', include: 'kernels' },
      ],
    });
    const terms = m.penalties().terms.map((t) => `${t.path}:${t.regularizer}:${t.source}`);
    expect(terms).toEqual([`dense_1/kernel:${GL}:layer`, 'dense_1/kernel:L2:model', 'dense_1/bias:L2:layer', `dense_2/kernel:${GL}:model`]);
    // the group lasso term is factor * the sum of the column norms of dense_1's kernel
    const kernel = (m.getLayer('dense_1') as unknown as { kernel: { read(): tf.Tensor } }).kernel.read();
    const columnNorms = tf.tidy(() => tf.sum(tf.norm(kernel, 'euclidean', 0)).dataSync()[0]!);
    const term = m.penalties().terms.find((t) => t.path === 'dense_1/kernel' && t.source === 'layer')!;
    expect(term.value).toBeCloseTo(0.02 * columnNorms, 5);
    m.dispose();
  });

  it('survives toJSON and modelFromJSON, per layer and in the compiled rules', () => {
    const m = build();
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', regularization: { regularizer: 'groupLasso', include: 'dense_2/kernel' } });
    const text = JSON.stringify(m);
    expect(text).toContain(GL);
    const back = modelFromJSON(text);
    const describe = (x: Model) => x.penalties().terms.map((t) => [t.path, t.regularizer, t.source, JSON.stringify(t.config)]);
    expect(back.isCompiled).toBe(true);
    expect(describe(back)).toEqual(describe(m));
    m.dispose();
    back.dispose();
  });

  it('a model that names the plugin, read where the plugin is not registered, says what to import', () => {
    const m = build();
    const text = JSON.stringify(m);
    m.dispose();
    registry('regularizer').unregister(GL);
    try {
      let error: unknown;
      try {
        modelFromJSON(text).dispose();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error, 'UNKNOWN_NAME')).toBe(true);
      expect((error as Error).message).toContain("import 'ridge-regularizer-group-lasso'");
    } finally {
      registry('regularizer').register(groupLassoEntry);
    }
    expect(registry('regularizer').has('groupLasso')).toBe(true);
  });
});
