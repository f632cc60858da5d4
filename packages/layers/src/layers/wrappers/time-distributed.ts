import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type CustomLoss, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { argKeys } from '../../engine/arg-keys.js';
import { InputLayer } from '../input-layer.js';
import { MergeBase } from '../merge/base-merge.js';
import { Model } from '../../model/model.js';
import { adoptWeights, innerLosses, refuseActivityRegularizer, wrappedLayer, type WrappedLayerSpec } from './wrapped.js';

export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied to every time step (with one set of weights for all), or its config. */
  layer: WrappedLayerSpec;
}

/**
 * Keras's TimeDistributed: applies `layer` to every time step of `[batch, time, ...]` inputs, with
 * the same weights at every step. It runs the layer once on the steps stacked as a batch
 * (`[batch * time, ...]`) and gives `[batch, time, ...layer output]`. The layer's weights are this
 * layer's, named `<this>/<weight>` as tfjs-layers saves them. A mask over the time steps passes
 * on; the layer itself sees every step.
 */
export class TimeDistributed extends Layer {
  static override readonly className = 'TimeDistributed';
  static override readonly argKeys = argKeys<TimeDistributedArgs>()(['layer'], []);

  readonly layer: Layer;
  /** The input shape the layer was built for, `[batch, time, ...]`. */
  #built: Shape | undefined;

  constructor(args: TimeDistributedArgs) {
    super(args);
    const layer = wrappedLayer(this, 'layer', args.layer);
    if (layer instanceof Model || layer instanceof InputLayer || layer instanceof MergeBase) {
      throw layerArgError(this, 'layer', who(layer), 'a layer of one input and one output (models, input layers and merge layers are not supported)');
    }
    refuseActivityRegularizer(this, 'layer', layer);
    this.layer = layer;
  }

  override get weights(): LayerWeight[] {
    return this.layer.weights;
  }

  override get losses(): readonly CustomLoss[] {
    return [...super.losses, ...innerLosses([this.layer])];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  #shapeError(what: string, shape: Shape | readonly number[]): RidgeError {
    return new RidgeError('SHAPE_MISMATCH', `${who(this)}: ${what}; received ${formatShape(shape)}.`, {
      layer: this.name,
      argument: 'inputs',
      received: [...shape],
    });
  }

  /** The shape of one time step, `[batch, ...]`, after checking `shape` against the build's. */
  #stepShape(shape: Shape): Shape {
    if (shape.length < 3) throw this.#shapeError('expected inputs of rank >= 3, [batch, time, ...]', shape);
    const built = this.#built;
    if (built && (built.length !== shape.length || built.some((d, i) => i >= 2 && d !== null && shape[i] !== null && d !== shape[i]))) {
      throw this.#shapeError(`expected inputs of shape ${formatShape([null, null, ...built.slice(2)])}, as it was built for`, shape);
    }
    return [shape[0]!, ...shape.slice(2)];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const step = this.#stepShape(shape);
    this.layer.ensureBuilt(step);
    const inner = this.layer.name;
    // tfjs-layers builds the layer in this layer's name scope: `time_distributed/kernel`.
    adoptWeights(this, this.layer.weights, (owner) => this.name + (owner.name.startsWith(`${inner}/`) ? owner.name.slice(inner.length) : ''));
    this.#built = shape;
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    const out = this.layer.computeOutputShape(this.#stepShape(shape));
    if (out.length > 0 && Array.isArray(out[0])) {
      throw layerArgError(this, 'layer', `${who(this.layer)} with ${out.length} outputs`, 'a layer of one output');
    }
    const step = out as Shape;
    return [step[0] ?? null, shape[1]!, ...step.slice(1)];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.#stepShape(x.shape);
    const [batch, time, ...rest] = x.shape as number[];
    const outs = this.layer.invoke([tf.reshape(x, [batch! * time!, ...rest])], { training: ctx.training });
    if (outs.length !== 1) throw layerArgError(this, 'layer', `${who(this.layer)} with ${outs.length} outputs`, 'a layer of one output');
    const y = outs[0]!;
    return tf.reshape(y, [batch!, time!, ...y.shape.slice(1)]);
  }

  protected override layerConfig(): JsonObject {
    return { layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }

  override dispose(): void {
    this.layer.dispose();
    this.#built = undefined;
    super.dispose();
  }
}

/** Creates a TimeDistributed layer: `timeDistributed({ layer: dense({ units: 8 }) })` on `[batch, time, features]`. */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  return new TimeDistributed(args);
}
