import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type CustomLoss, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { argKeys } from '../../engine/arg-keys.js';
import { ConvLSTM } from '../recurrent/conv-lstm.js';
import { RecurrentLayer } from '../recurrent/recurrent-base.js';
import { adoptWeights, innerLosses, refuseActivityRegularizer, wrappedLayer, type WrappedLayerSpec } from './wrapped.js';

/** How the forward and backward outputs are combined; `null` returns both, as a list. */
export type BidirectionalMergeMode = 'concat' | 'sum' | 'mul' | 'ave';

const MERGE_MODES: readonly string[] = ['concat', 'sum', 'mul', 'ave'];

/** What Bidirectional runs both ways: SimpleRNN, LSTM, GRU, or a ConvLSTM (as Keras 3, whose ConvLSTM is an RNN). */
export type BidirectionalLayer = RecurrentLayer | ConvLSTM;

export interface BidirectionalArgs extends LayerArgs {
  /**
   * The recurrent layer (SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D) to run in both directions, or its
   * config. It is a template: the forward and backward layers are new layers made from its config,
   * with their own weights, as in Keras.
   */
  layer: WrappedLayerSpec<BidirectionalLayer>;
  /** `'concat'` (default, the last axis doubles), `'sum'`, `'mul'`, `'ave'`, or `null` for `[forward, backward]`. */
  mergeMode?: BidirectionalMergeMode | null;
  /**
   * The backward layer's template, instead of `layer` with `goBackwards` flipped: the same
   * `returnSequences` and `returnState` as `layer`, and the other `goBackwards`.
   */
  backwardLayer?: WrappedLayerSpec<BidirectionalLayer> | null;
}

/** `forward_` + the name, without doubling a prefix a saved Keras 3 config already has. */
function prefixed(prefix: string, name: string): string {
  return prefix + (name.startsWith(prefix) ? name.slice(prefix.length) : name);
}

/**
 * Keras's Bidirectional: runs a recurrent layer forward and a copy of it backward over the same
 * sequence, and merges the two outputs. With `returnSequences` the backward sequence is reversed
 * back into time order before merging; with `returnState` the outputs are followed by the forward
 * states and then the backward states. Both copies carry the template's regularizers; their
 * weights are named `<this>/forward_<layer>/<weight>` and `<this>/backward_<layer>/<weight>`, as
 * tfjs-layers saves them. A mask reaches both directions, and, as in Keras 3, masked steps of a
 * returned sequence are zeros.
 */
export class Bidirectional extends Layer {
  static override readonly className = 'Bidirectional';
  static override readonly argKeys = argKeys<BidirectionalArgs>()(['layer'], ['mergeMode', 'backwardLayer']);

  /** The layer given (a template, never built). */
  readonly layer: BidirectionalLayer;
  readonly forwardLayer: BidirectionalLayer;
  readonly backwardLayer: BidirectionalLayer;
  readonly mergeMode: BidirectionalMergeMode | null;
  readonly returnSequences: boolean;
  readonly returnState: boolean;

  constructor(args: BidirectionalArgs) {
    super(args);
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (mode !== null && !MERGE_MODES.includes(mode)) {
      throw layerArgError(this, 'mergeMode', mode, "'concat', 'sum', 'mul', 'ave', or null (the two outputs as a list)");
    }
    this.mergeMode = mode;
    this.layer = this.#template('layer', args.layer);
    const backward = args.backwardLayer === undefined || args.backwardLayer === null ? undefined : this.#template('backwardLayer', args.backwardLayer);
    this.returnSequences = this.layer.returnSequences;
    this.returnState = this.layer.returnState;
    if (backward) {
      for (const key of ['returnSequences', 'returnState'] as const) {
        if (backward[key] !== this.layer[key]) {
          throw layerArgError(this, `backwardLayer.${key}`, backward[key], `${this.layer[key]}, as the forward layer's ${key}`);
        }
      }
      if (backward.goBackwards === this.layer.goBackwards) {
        throw layerArgError(this, 'backwardLayer.goBackwards', backward.goBackwards, `${!this.layer.goBackwards}: the two layers must run in opposite directions`);
      }
    }
    // As Keras: new layers from the templates' configs, so they share no weights with anything.
    // Keras 3 zeroes the masked steps of a returned sequence in both directions.
    const zeroOutputForMask = this.returnSequences;
    this.forwardLayer = copyOf(this.layer, { name: prefixed('forward_', this.layer.name), zeroOutputForMask });
    const source = backward ?? this.layer;
    this.backwardLayer = copyOf(source, {
      name: prefixed('backward_', source.name),
      zeroOutputForMask,
      ...(backward ? {} : { goBackwards: !this.layer.goBackwards }),
    });
  }

  #template(argument: string, spec: unknown): BidirectionalLayer {
    const layer = wrappedLayer(this, argument, spec);
    if (!(layer instanceof RecurrentLayer) && !(layer instanceof ConvLSTM)) {
      throw layerArgError(this, argument, `${who(layer)}`, 'a recurrent layer: SimpleRNN, LSTM, GRU, ConvLSTM1D, ConvLSTM2D or ConvLSTM3D');
    }
    refuseActivityRegularizer(this, argument, layer);
    return layer;
  }

  /** The forward layer's weights, then the backward layer's (Keras's and tfjs-layers' order). */
  override get weights(): LayerWeight[] {
    return [...this.forwardLayer.weights, ...this.backwardLayer.weights];
  }

  override get losses(): readonly CustomLoss[] {
    return [...super.losses, ...innerLosses([this.forwardLayer, this.backwardLayer])];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  /** The number of sequence outputs before the states: 2 without a merge, else 1. */
  get #outputCount(): number {
    return this.mergeMode === null ? 2 : 1;
  }

  override computeOutputMasked(inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    const masked = this.returnSequences && inputsMasked.some(Boolean);
    return Array.from({ length: outputCount }, (_, i) => masked && i < this.#outputCount);
  }

  override computeMask(_inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    return Array.from({ length: outputCount }, (_, i) => (this.returnSequences && i < this.#outputCount ? masks[0] : undefined));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    // A ConvLSTM checks its own inputs ([batch, time, ...spatial, channels]) when it builds.
    if (this.layer instanceof RecurrentLayer && (shape.length !== 3 || shape[2] === null || shape[2] === undefined)) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: expected inputs of rank 3, [batch, time, features], with a known features dimension; received ${formatShape(shape)}.`,
        { layer: this.name, argument: 'inputs', received: shape },
      );
    }
    this.forwardLayer.ensureBuilt(shape);
    try {
      this.backwardLayer.ensureBuilt(shape);
    } catch (error) {
      this.forwardLayer.dispose();
      throw error;
    }
    adoptWeights(this, this.weights, (owner) => `${this.name}/${owner.name}`);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = this.forwardLayer.computeOutputShape(inputShape);
    const [output, ...states] = (this.returnState ? shapes : [shapes]) as Shape[];
    const last = output!.length - 1;
    const outputs: Shape[] =
      this.mergeMode === 'concat'
        ? [output!.map((d, i) => (i === last && d !== null ? d * 2 : d))]
        : this.mergeMode === null
          ? [output!, output!]
          : [output!];
    const all = [...outputs, ...states, ...states];
    return all.length === 1 ? all[0]! : all;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor[] {
    const x = inputs as tf.Tensor;
    const inner: CallContext = ctx.masks ? { training: ctx.training, masks: ctx.masks } : { training: ctx.training };
    const [y, ...forwardStates] = this.forwardLayer.invoke([x], inner);
    const [backwardOutput, ...backwardStates] = this.backwardLayer.invoke([x], inner);
    // The backward layer returns its sequence in the order it ran: reversed back into time order.
    const yRev = this.returnSequences ? tf.reverse(backwardOutput!, 1) : backwardOutput!;
    return [...this.#merge(y!, yRev), ...forwardStates, ...backwardStates];
  }

  #merge(y: tf.Tensor, yRev: tf.Tensor): tf.Tensor[] {
    switch (this.mergeMode) {
      case 'concat':
        return [tf.concat([y, yRev], -1)];
      case 'sum':
        return [tf.add(y, yRev)];
      case 'mul':
        return [tf.mul(y, yRev)];
      case 'ave':
        return [tf.div(tf.add(y, yRev), 2)];
      case null:
        return [y, yRev];
    }
  }

  /**
   * `layer` is the forward layer's config under the template's name, which tfjs-layers (and Keras
   * 2) read as the layer to copy: their weight names then match Ridge's. `backwardLayer` is always
   * written, as Keras 3 writes it, so the backward layer's own regularizers survive a round trip.
   */
  protected override layerConfig(): JsonObject {
    return {
      mergeMode: this.mergeMode,
      layer: { className: this.forwardLayer.className, config: { ...this.forwardLayer.getConfig(), name: this.layer.name } },
      backwardLayer: { className: this.backwardLayer.className, config: this.backwardLayer.getConfig() },
    };
  }

  override dispose(): void {
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
    super.dispose();
  }
}

/** A new layer of `template`'s class from its config, with `changes`. */
function copyOf(template: BidirectionalLayer, changes: JsonObject): BidirectionalLayer {
  const cls = template.constructor as new (args: JsonObject) => BidirectionalLayer;
  return new cls({ ...template.getConfig(), ...changes });
}

/**
 * Creates a Bidirectional layer: `bidirectional({ layer: lstm({ units: 8, returnSequences: true }) })`
 * gives `[batch, time, 16]`.
 */
export function bidirectional(args: BidirectionalArgs): Bidirectional {
  return new Bidirectional(args);
}
