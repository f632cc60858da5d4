import { describe, expectTypeOf, it } from 'vitest';
import { learningRateScheduler, reduceLROnPlateau, type CallbackModel, type EpochSchedule, type Model } from '../index.js';

describe('learning-rate callback types', () => {
  it('a callback reads and sets model.optimizer.learningRate as a number, without casts', () => {
    expectTypeOf<NonNullable<CallbackModel['optimizer']>['learningRate']>().toEqualTypeOf<number>();
    const m = {} as CallbackModel;
    if (m.optimizer) m.optimizer.learningRate = m.optimizer.learningRate * 0.5;
    // @ts-expect-error the learning rate is a number
    if (m.optimizer) m.optimizer.learningRate = '0.1';
    // A model is what fit hands to setModel.
    expectTypeOf<Model>().toExtend<CallbackModel>();
  });

  it('options are typed', () => {
    expectTypeOf<EpochSchedule>().toEqualTypeOf<(epoch: number, learningRate: number) => number>();
    learningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
    // @ts-expect-error a schedule returns a number
    learningRateScheduler((epoch: number) => `${epoch}`);
    reduceLROnPlateau({ monitor: 'val_accuracy', mode: 'max', minLr: 1e-5 });
    // @ts-expect-error Keras's min_lr is minLr here
    reduceLROnPlateau({ min_lr: 1e-5 });
  });
});
