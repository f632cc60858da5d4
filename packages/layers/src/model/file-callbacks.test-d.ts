import { describe, expectTypeOf, it } from 'vitest';
import { modelCheckpoint, type ModelCheckpoint, type ModelCheckpointArgs } from '../index.js';

describe('modelCheckpoint types', () => {
  it("saveOptions are save()'s, or with saveWeightsOnly saveWeights()'s", () => {
    modelCheckpoint({ filepath: 'file://./ckpt', saveOptions: { format: 'tfjs-layers', includeOptimizer: true } });
    modelCheckpoint({ filepath: 'file://./ckpt', saveWeightsOnly: true, saveOptions: { includeOptimizer: true } });
    // @ts-expect-error saveWeights has no format: it writes tfjs's weights manifest only
    modelCheckpoint({ filepath: 'file://./ckpt', saveWeightsOnly: true, saveOptions: { format: 'tfjs-layers' } });
    // @ts-expect-error Keras's save_weights_only is saveWeightsOnly here
    modelCheckpoint({ filepath: 'file://./ckpt', save_weights_only: true });
    // A flag known only at run time is fine with the options both take.
    const weightsOnly = process.env['WEIGHTS_ONLY'] === '1';
    const args: ModelCheckpointArgs = { filepath: 'file://./ckpt', saveWeightsOnly: weightsOnly, saveOptions: { includeOptimizer: true } };
    modelCheckpoint(args);
    expectTypeOf<ModelCheckpoint['saveWeightsOnly']>().toEqualTypeOf<boolean>();
  });
});
