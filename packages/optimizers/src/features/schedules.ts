/*
 * `@ridge/optimizers/schedules`: learning-rate schedules, as Keras 3's
 * `keras.optimizers.schedules` (`exponentialDecay`, `inverseTimeDecay`, `piecewiseConstantDecay`,
 * `polynomialDecay`, `cosineDecay`, `cosineDecayRestarts`). Importing this module lets an
 * optimizer take a schedule as its `learningRate`: an object (also your own, `{ className,
 * valueAt(step), getConfig() }`) or a saved `{ className: 'ExponentialDecay', config }` (and
 * Keras 3's JSON). `@ridge/optimizers` imports it for you.
 */
import { RidgeError, describeValue, mustBeError } from '@ridge/core';
import { installFeature } from '../features.js';
import { isSchedule, scheduleFromConfig } from '../schedules.js';

installFeature('schedules', {
  resolve: (value) => (isSchedule(value) ? value : scheduleFromConfig(value)),
  rateAt(className, schedule, step) {
    const value = schedule.valueAt(step);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw mustBeError(`${className}: learningRate from its schedule ${schedule.className} at step ${step}`, value, 'a finite number >= 0', {
        argument: 'learningRate',
        received: value,
        schedule: schedule.className,
        step,
      });
    }
    return value;
  },
  notSettable: (className, schedule, value) =>
    new RidgeError(
      'INVALID_ARGUMENT',
      `${className}: learningRate is set by its schedule (${schedule.className}) at every step, so it cannot be set to ${describeValue(value)}. ` +
        `Create the optimizer with a number to change its rate from a callback.`,
      { argument: 'learningRate', received: value },
    ),
});

export {
  CosineDecay,
  CosineDecayRestarts,
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
  cosineDecay,
  cosineDecayRestarts,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstantDecay,
  polynomialDecay,
} from '../schedules.js';
export type {
  CosineDecayConfig,
  CosineDecayRestartsConfig,
  ExponentialDecayConfig,
  InverseTimeDecayConfig,
  LearningRateSchedule,
  PiecewiseConstantDecayConfig,
  PolynomialDecayConfig,
} from '../schedules.js';
