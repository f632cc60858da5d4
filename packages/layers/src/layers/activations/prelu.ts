import { RidgeError, type ConstraintSpec, type InitializerSpec, type JsonObject, type RegularizerSpec } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs, type WeightParts } from '../../engine/layer.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { floatInput } from '../float-input.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Zeros } from '../../initializers/constant.js';

export interface PReLUArgs extends LayerArgs {
  /** Default: zeros (the layer starts as a ReLU). */
  alphaInitializer?: InitializerSpec;
  /** A penalty on the slopes, logged as `penalty/<layer>/alpha`. */
  alphaRegularizer?: RegularizerSpec | null;
  alphaConstraint?: ConstraintSpec | null;
  /**
   * Input axes (1-based, the batch axis is 0) along which one slope is shared: for images
   * `[batch, height, width, channels]`, `[1, 2]` learns one slope per channel. Default: none, one
   * slope per input entry.
   */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * The weight role of PReLU's slopes. Not a kernel role: `compile({ regularization: 'l2' })`
 * (which picks kernels) leaves the slopes alone, as Keras users expect; `include: 'alpha'` or
 * `'*\/alpha'` picks them.
 */
export const ALPHA_ROLE = 'alpha';

function readSharedAxes(owner: Layer, value: unknown): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const axes = typeof value === 'number' ? [value] : value;
  if (!(Array.isArray(axes) && axes.every((a) => Number.isInteger(a) && (a as number) >= 1) && new Set(axes).size === axes.length)) {
    throw layerArgError(owner, 'sharedAxes', value, 'an integer >= 1 or a list of distinct integers >= 1 (input axes; the batch axis 0 cannot be shared)');
  }
  return [...(axes as number[])];
}

/**
 * Keras's PReLU: `x` for `x >= 0`, `alpha * x` below, with `alpha` learned, one slope per input
 * entry (batch axis aside) or shared along `sharedAxes`.
 */
export class PReLU extends Layer {
  static override readonly className = 'PReLU';
  static override readonly argKeys = argKeys<PReLUArgs>()([], ['sharedAxes', ...parts('alpha')]);
  readonly sharedAxes: readonly number[] | undefined;
  private readonly parts: Record<'alpha', WeightParts>;
  alpha!: LayerWeight;

  /** Passes its input's mask on, as Keras (it acts entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: PReLUArgs = {}) {
    super(args);
    this.sharedAxes = readSharedAxes(this, args.sharedAxes);
    this.parts = this.resolveWeightParts({
      alpha: {
        initializer: args.alphaInitializer,
        regularizer: args.alphaRegularizer,
        constraint: args.alphaConstraint,
        defaultInitializer: () => new Zeros(),
      },
    });
  }

  /** The slopes' shape: the input's without the batch axis, 1 on the shared axes. */
  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const fail = (what: string): RidgeError =>
      new RidgeError('SHAPE_MISMATCH', `${who(this)}: ${what}; received input shape ${formatShape(shape)}.`, { layer: this.name, argument: 'sharedAxes', received: shape });
    if (shape.length < 2) throw fail('inputs need a batch axis and at least one more');
    const bad = this.sharedAxes?.find((a) => a >= shape.length);
    if (bad !== undefined) throw fail(`sharedAxes names axis ${bad}, beyond the input's last axis ${shape.length - 1}`);
    const slopes = shape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : d));
    const unknown = slopes.findIndex((d) => d === null || d === undefined);
    if (unknown >= 0) throw fail(`the size of input axis ${unknown + 1} must be known (one slope per entry), or the axis shared with sharedAxes`);
    this.alpha = this.addWeight({ name: 'alpha', role: ALPHA_ROLE, shape: slopes as number[], ...this.parts.alpha });
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = floatInput(inputs as tf.Tensor);
    const expected = this.alpha.shape;
    if (x.rank !== expected.length + 1 || expected.some((d, i) => !this.sharedAxes?.includes(i + 1) && d !== x.shape[i + 1])) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: inputs must have the shape [batch, ${expected.map((d, i) => (this.sharedAxes?.includes(i + 1) ? '?' : d)).join(', ')}] it was built for (? = any); received shape [${x.shape.join(', ')}].`,
        { layer: this.name, argument: 'inputs', received: x.shape },
      );
    }
    return tf.prelu(x, this.alpha.read());
  }

  protected override layerConfig(): JsonObject {
    return {
      ...this.weightPartsConfig(this.parts, { alpha: this.alpha }),
      sharedAxes: this.sharedAxes ? [...this.sharedAxes] : null,
    };
  }
}

/** Creates a PReLU layer (tfjs-layers' `tf.layers.prelu`). */
export function prelu(args: PReLUArgs = {}): PReLU {
  return new PReLU(args);
}
