import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { loadModel, modelFromJSON, type Model, type ModelTopologyJSON } from '../index.js';

declare const m: Model;

describe('save and load types', () => {
  it('toJSON gives the topology; modelFromJSON and loadModel give a Model', () => {
    expectTypeOf(m.toJSON()).toEqualTypeOf<ModelTopologyJSON>();
    expectTypeOf(m.toJSON({ format: 'tfjs-layers' }).class_name).toBeString();
    expectTypeOf(modelFromJSON(m.toJSON())).toEqualTypeOf<Model>();
    expectTypeOf(loadModel('file://./model')).resolves.toEqualTypeOf<Model>();
    expectTypeOf(m.save('file://./model', { includeOptimizer: true })).resolves.toEqualTypeOf<tf.io.SaveResult>();
  });

  it('rejects formats and options that do not exist', () => {
    // @ts-expect-error Ridge writes 'ridge' or 'tfjs-layers' JSON
    m.toJSON({ format: 'keras' });
    // @ts-expect-error a save target is a URL or a tf.io handler
    void m.save(42);
  });
});
