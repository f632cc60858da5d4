import '@ridge/regularizers';
import { describe, expectTypeOf, it } from 'vitest';
import { dense, type Model, model, input, type SymbolicTensor } from './index.js';

describe('layer argument types come from the registries', () => {
  it('registered names type-check, typos do not', () => {
    dense({ units: 2, kernelRegularizer: 'l2', biasRegularizer: 'l1_l2', kernelInitializer: 'glorotUniform', kernelConstraint: 'maxNorm' });
    dense({ units: 2, kernelRegularizer: { className: 'L1L2', config: { l1: 0.1 } } });
    // @ts-expect-error 'l3' is not a registered regularizer
    dense({ units: 2, kernelRegularizer: 'l3' });
    // @ts-expect-error 'glorotUnifrom' is not a registered initializer
    dense({ units: 2, kernelInitializer: 'glorotUnifrom' });
    // @ts-expect-error a loss name is not a regularizer
    dense({ units: 2, kernelRegularizer: 'mse' });
  });

  it('apply on symbolic tensors gives a symbolic tensor; model() a Model', () => {
    const inp = input({ shape: [4] });
    expectTypeOf(dense({ units: 2 }).apply(inp)).toEqualTypeOf<SymbolicTensor>();
    expectTypeOf(model({ inputs: inp, outputs: inp })).toEqualTypeOf<Model>();
  });

  it('compile takes registered names and model-level rules', () => {
    const inp = input({ shape: [4] });
    const m = model({ inputs: inp, outputs: dense({ units: 2 }).apply(inp) });
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', regularization: 'l2' });
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: [{ regularizer: 'l1', include: ['bias', /gamma/], onConflict: 'add' }] });
    // @ts-expect-error 'adamm' is not a registered optimizer
    m.compile({ optimizer: 'adamm', loss: 'mse' });
    // @ts-expect-error onConflict is 'skip' | 'add' | 'replace'
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', onConflict: 'merge' } });
  });
});
