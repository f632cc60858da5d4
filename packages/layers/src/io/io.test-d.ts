import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { JsonObject } from '@ridge/core';
import { loadModel, modelFromJSON, type CustomObjects, type Model, type ModelTopologyJSON } from '../index.js';

declare const m: Model;

describe('save and load types', () => {
  it('toJSON gives the topology; modelFromJSON and loadModel give a Model', () => {
    expectTypeOf(m.toJSON()).toEqualTypeOf<ModelTopologyJSON>();
    expectTypeOf(m.toJSON({ format: 'tfjs-layers' }).class_name).toBeString();
    expectTypeOf(modelFromJSON(m.toJSON())).toEqualTypeOf<Model>();
    expectTypeOf(loadModel('file://./model')).resolves.toEqualTypeOf<Model>();
    expectTypeOf(m.save('file://./model', { includeOptimizer: true })).resolves.toEqualTypeOf<tf.io.SaveResult>();
  });

  it('saveWeights resolves to the save result and loadWeights to nothing', () => {
    expectTypeOf(m.saveWeights('file://./weights', { includeOptimizer: true })).resolves.toEqualTypeOf<tf.io.SaveResult>();
    expectTypeOf(m.loadWeights('file://./weights', { skipMismatch: true, onWarning: (w: string) => void w })).resolves.toEqualTypeOf<void>();
    // @ts-expect-error skipMismatch is a boolean
    void m.loadWeights('file://./weights', { skipMismatch: 'yes' });
    // @ts-expect-error saveWeights writes no topology, so it has no format option
    void m.saveWeights('file://./weights', { format: 'tfjs-layers' });
  });

  it('customObjects take classes with typed configs and factories, not other values', () => {
    class MySchedule {
      readonly className = 'MySchedule';
      constructor(readonly config: { initialLearningRate: number }) {}
      valueAt(step: number): number {
        return this.config.initialLearningRate / (1 + step);
      }
      getConfig(): JsonObject {
        return { initialLearningRate: this.config.initialLearningRate };
      }
    }
    const make = (config: { initialLearningRate: number }) => new MySchedule(config);
    expectTypeOf({ MySchedule, make }).toMatchTypeOf<CustomObjects>();
    expectTypeOf(loadModel('file://./model', { customObjects: { MySchedule } })).resolves.toEqualTypeOf<Model>();
    // @ts-expect-error an entry is a class or a function, not an instance
    modelFromJSON(m.toJSON(), { customObjects: { MySchedule: new MySchedule({ initialLearningRate: 1 }) } });
  });

  it('rejects formats and options that do not exist', () => {
    // @ts-expect-error Ridge writes 'ridge' or 'tfjs-layers' JSON
    m.toJSON({ format: 'keras' });
    // @ts-expect-error a save target is a URL or a tf.io handler
    void m.save(42);
  });
});
