import { describe, expectTypeOf, it } from 'vitest';
import { BASE_ARG_KEYS, argKeys } from './arg-keys.js';
import type { LayerArgs } from './layer.js';
import type { DenseArgs } from '../layers/dense.js';

describe('argument keys', () => {
  it('the base keys are exactly the keys of LayerArgs', () => {
    expectTypeOf<(typeof BASE_ARG_KEYS)[number]>().toEqualTypeOf<keyof LayerArgs>();
  });

  it('a declaration must list every key of its Args, each in the right list, and no other', () => {
    const declare = argKeys<DenseArgs>();
    const optional = ['activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'kernelConstraint', 'biasConstraint'] as const;
    declare(['units'], optional);
    // @ts-expect-error a key missing (useBias)
    declare(['units'], ['activation', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'kernelConstraint', 'biasConstraint']);
    // @ts-expect-error a key DenseArgs does not have
    declare(['units'], [...optional, 'kernel_regularizer']);
    // @ts-expect-error a required key declared optional
    declare([], ['units', ...optional]);
  });
});
