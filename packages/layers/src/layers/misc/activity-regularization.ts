import { checkNonNegativeNumber, type JsonObject, type RegularizerSpec } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import { forArgument, layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface ActivityRegularizationArgs extends Omit<LayerArgs, 'activityRegularizer'> {
  /** L1 factor on the activity; default 0. */
  l1?: number;
  /** L2 factor on the activity; default 0. */
  l2?: number;
}

/**
 * The identity, with an `L1L2(l1, l2)` activity regularizer: in training it adds
 * `(l1 * sum|x| + l2 * sum x^2) / batchSize` to the loss (logged as `penalty/<layer>/activity`).
 * The regularizer is resolved by name, so `@ridge/regularizers` (or a package registering
 * `L1L2`) must be imported.
 */
export class ActivityRegularization extends Layer {
  static override readonly className = 'ActivityRegularization';
  static override readonly argKeys = argKeys<ActivityRegularizationArgs>()([], ['l1', 'l2']);

  /** Passes its input's mask on, as Keras 3 (the identity). */
  override get supportsMasking(): boolean {
    return true;
  }

  readonly l1: number;
  readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    const { activityRegularizer, ...rest } = args as LayerArgs & ActivityRegularizationArgs;
    super(rest);
    if (activityRegularizer !== undefined && activityRegularizer !== null) {
      throw layerArgError(this, 'activityRegularizer', activityRegularizer, 'absent: ActivityRegularization builds its own from l1 and l2');
    }
    this.l1 = forArgument(this, 'l1', () => checkNonNegativeNumber('l1', args.l1 ?? 0));
    this.l2 = forArgument(this, 'l2', () => checkNonNegativeNumber('l2', args.l2 ?? 0));
    // `L1L2` is registered by @ridge/regularizers, which this package does not import, so its
    // name is not in the registry's types here.
    this.activityRegularizer = { className: 'L1L2', config: { l1: this.l1, l2: this.l2 } } as unknown as RegularizerSpec;
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    return inputs as tf.Tensor;
  }

  /** Keras leaves the derived activity regularizer out: `l1` and `l2` rebuild it. */
  override getConfig(): JsonObject {
    const { activityRegularizer: _derived, ...config } = super.getConfig();
    return config;
  }

  protected override layerConfig(): JsonObject {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** Creates an ActivityRegularization layer. */
export function activityRegularization(args: ActivityRegularizationArgs = {}): ActivityRegularization {
  return new ActivityRegularization(args);
}
