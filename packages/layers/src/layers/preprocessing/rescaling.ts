import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';
import { floatInput } from '../float-input.js';

/** A number, or one number per channel (the last axis). */
export type PerChannel = number | readonly number[];

export interface RescalingArgs extends LayerArgs {
  /** What every input is multiplied by: `1 / 255` maps `[0, 255]` to `[0, 1]`. A list has one per channel. */
  scale: PerChannel;
  /** What is added after scaling; default 0. `scale: 1 / 127.5, offset: -1` maps `[0, 255]` to `[-1, 1]`. */
  offset?: PerChannel;
}

function readPerChannel(owner: Layer, argument: string, value: unknown): PerChannel {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return [...(value as number[])];
  throw layerArgError(owner, argument, value, 'a finite number or a non-empty list of finite numbers (one per channel)');
}

/**
 * Keras 3 `Rescaling`: `inputs * scale + offset`, in training and inference alike. int32 and bool
 * inputs (images as integers) are read as float32; the output is float32. A list `scale` or
 * `offset` broadcasts on the last axis (one value per channel, or a list of one). Masks pass
 * through, as in Keras 3.
 */
export class Rescaling extends Layer {
  static override readonly className = 'Rescaling';
  static override readonly argKeys = argKeys<RescalingArgs>()(['scale'], ['offset']);
  readonly scale: PerChannel;
  readonly offset: PerChannel;

  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: RescalingArgs) {
    super(args);
    this.scale = readPerChannel(this, 'scale', args.scale);
    this.offset = readPerChannel(this, 'offset', args.offset ?? 0);
  }

  /** SHAPE_MISMATCH when a per-channel list does not fit the inputs' last axis. */
  #checkChannels(shape: Shape): void {
    const channels = shape[shape.length - 1];
    for (const [argument, value] of [['scale', this.scale], ['offset', this.offset]] as const) {
      if (typeof value === 'number' || value.length === 1) continue;
      if (shape.length > 0 && (channels === null || channels === value.length)) continue;
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: ${argument} has ${value.length} values, one per channel, but the inputs of shape ${formatShape(shape)} have ` +
          `${shape.length === 0 ? 'no channel axis' : `${channels} channels on the last axis`}; give one value, or one per channel.`,
        { layer: this.name, argument, received: [...value] },
      );
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    this.#checkChannels(inputShape as Shape);
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.#checkChannels(x.shape);
    const scale = typeof this.scale === 'number' ? this.scale : tf.tensor1d([...this.scale]);
    const offset = typeof this.offset === 'number' ? this.offset : tf.tensor1d([...this.offset]);
    return tf.add(tf.mul(floatInput(x), scale), offset);
  }

  protected override layerConfig(): JsonObject {
    const copy = (v: PerChannel) => (typeof v === 'number' ? v : [...v]);
    return { scale: copy(this.scale), offset: copy(this.offset) };
  }
}

/** Creates a Rescaling layer: `inputs * scale + offset`. */
export function rescaling(args: RescalingArgs): Rescaling {
  return new Rescaling(args);
}
