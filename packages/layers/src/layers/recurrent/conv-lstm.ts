import { RidgeError, checkNumber, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { canonicalActivation, getActivation, type ActivationFn } from '../../engine/activations.js';
import { argKeys } from '../../engine/arg-keys.js';
import { forArgument, layerArgError, who } from '../../engine/errors.js';
import type { CallContext } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { feature } from '../../model/features.js';
import { dilateKernel } from '../conv/base-conv.js';
import { checkDataFormat, checkPadding, layoutOf, normalizeTuple, outputLength, spatialOutput, type DataFormat, type Padding } from '../conv/conv-utils.js';
import { floatInput } from '../float-input.js';
import { UnitForgetBias, type LSTMArgs } from './lstm.js';
import { RECURRENT_OPTIONAL, SequenceLayer, checkBoolean, dropoutMask, recurrentActivationOf } from './recurrent-base.js';

/** Arguments of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D (Keras 3 names and defaults). */
export interface ConvLSTMArgs extends Omit<LSTMArgs, 'units'> {
  /** Number of output channels of the states (and of the output's last axis). */
  filters: number;
  /** Window of both convolutions: one integer for every spatial axis, or one per axis. */
  kernelSize: number | readonly number[];
  /** Strides of the input convolution (the recurrent one always has 1); default 1. */
  strides?: number | readonly number[];
  /** Padding of the input convolution, `'valid'` (default) or `'same'`; the recurrent one is always `'same'`. */
  padding?: Padding;
  /** Only `'channels_last'` (the default): inputs `[batch, time, ...spatial, channels]`. */
  dataFormat?: DataFormat | null;
  /** Dilation of the input convolution; default 1. Cannot be combined with strides > 1. */
  dilationRate?: number | readonly number[];
}

const GATES = 4;

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** `xs[g]` convolved with block g of `kernel`'s last axis, the four results side by side. */
function byGate(xs: readonly tf.Tensor[], kernel: tf.Tensor, convolve: (x: tf.Tensor, k: tf.Tensor) => tf.Tensor): tf.Tensor {
  const blocks = tf.split(kernel, GATES, -1);
  return tf.concat(xs.map((x, g) => convolve(x, blocks[g]!)), -1);
}

/**
 * Keras 3's ConvLSTM (`keras/src/layers/rnn/conv_lstm.py`), for 1 to 3 spatial axes: an LSTM whose
 * input and recurrent transformations are convolutions, gate order i, f, c, o in the last axis of
 * the kernels and in the bias. Per step, `z = conv(x_t, W; strides, padding, dilation) + b +
 * conv(h, U; 'same', stride 1)`, `c = f * c' + i * activation(z_c)`, `h = o * activation(c)`. The
 * states are `[batch, ...outputSpatial, filters]`, so the spatial sizes must be known at build.
 *
 * Each step makes the four gates' pre-activations with one input and one recurrent convolution
 * (kernels of `4 * filters` channels). As in Keras, dropout draws four masks (one per gate) of the
 * step input's shape and recurrent dropout four of the state's, once per call; with them the
 * convolutions run gate by gate. The convolutions are Ridge's own (`conv2dOp`, `conv3dOp`), whose
 * gradients train on every backend.
 */
export abstract class ConvLSTM extends SequenceLayer {
  static override readonly className: string = 'ConvLSTM';
  static override readonly argKeys = argKeys<ConvLSTMArgs>()(
    ['filters', 'kernelSize'],
    ['strides', 'padding', 'dataFormat', 'dilationRate', ...RECURRENT_OPTIONAL, 'recurrentActivation', 'unitForgetBias'],
  );
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: string;
  readonly recurrentActivation: string;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  /** Number of spatial axes: 1, 2 or 3. */
  protected readonly spatialRank: number;
  private readonly activationFn: ActivationFn;
  private readonly recurrentActivationFn: ActivationFn;
  /** The input's shape after batch and time (spatial sizes and channels), fixed at build. */
  private frameShape: number[] = [];

  protected constructor(spatialRank: number, args: ConvLSTMArgs) {
    super(args);
    this.spatialRank = spatialRank;
    this.filters = forArgument(this, 'filters', () => checkNumber('filters', args.filters, { min: 1, integer: true }));
    this.kernelSize = normalizeTuple(this, 'kernelSize', args.kernelSize, spatialRank, 1);
    this.strides = normalizeTuple(this, 'strides', args.strides ?? 1, spatialRank, 1);
    this.padding = checkPadding(this, args.padding, ['valid', 'same'] as const);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
    this.dilationRate = normalizeTuple(this, 'dilationRate', args.dilationRate ?? 1, spatialRank, 1);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw layerArgError(this, 'strides', args.strides, `1 when dilationRate > 1 (strides > 1 with dilation > 1 is not supported; dilationRate is ${formatShape(this.dilationRate)})`);
    }
    this.activation = args.activation === undefined ? 'tanh' : forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.activationFn = getActivation(this.activation);
    this.recurrentActivation = recurrentActivationOf(this, args.recurrentActivation);
    this.recurrentActivationFn = getActivation(this.recurrentActivation);
    this.useBias = checkBoolean(this, 'useBias', args.useBias, true);
    this.unitForgetBias = checkBoolean(this, 'unitForgetBias', args.unitForgetBias, true);
  }

  /**
   * A convolution of `x` (`[n, ...spatial, channels]`) with `kernel`, dilation 1 (a dilated kernel
   * is spread with zeros first). `inputNeedsGradient` is false when `x` is a model input.
   */
  protected abstract convolve(x: tf.Tensor, kernel: tf.Tensor, strides: readonly number[], padding: Padding, inputNeedsGradient: boolean): tf.Tensor;

  private shapeError(message: string, received: Shape | readonly number[]): RidgeError {
    return new RidgeError('SHAPE_MISMATCH', `${who(this)}: ${message}`, { layer: this.name, argument: 'inputs', received });
  }

  /** `[batch, time, height, width, channels]` for 2 spatial axes. */
  private layout(): string {
    return `[batch, time, ${layoutOf(this.spatialRank).slice('[batch, '.length)}`;
  }

  /** Checks the rank; returns the output's spatial sizes (null where the input's is unknown). */
  private outputSpatial(shape: Shape | readonly number[]): (number | null)[] {
    if (shape.length !== this.spatialRank + 3) {
      throw this.shapeError(`expected inputs of rank ${this.spatialRank + 3}, ${this.layout()}; received shape ${formatShape(shape)}.`, shape);
    }
    // The input convolution sees one frame: [batch, ...spatial, channels].
    const frame = [shape[0] ?? null, ...shape.slice(2)];
    spatialOutput(this, frame, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    return frame.slice(1, -1).map((d, i) => outputLength(d ?? null, this.kernelSize[i]!, this.strides[i]!, this.dilationRate[i]!, this.padding));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    this.outputSpatial(shape);
    const frame = shape.slice(2);
    if (frame.some((d) => d === null || d === undefined)) {
      throw this.shapeError(
        `expected inputs ${this.layout()} with known spatial sizes and channels (the states have the output's spatial shape); received shape ${formatShape(shape)}.`,
        shape,
      );
    }
    const channels = frame[frame.length - 1]!;
    this.frameShape = frame as number[];
    this.kernel = this.addWeight({ name: 'kernel', role: 'kernel', shape: [...this.kernelSize, channels, GATES * this.filters], ...this.parts.kernel });
    this.recurrentKernel = this.addWeight({
      name: 'recurrent_kernel',
      role: 'recurrentKernel',
      shape: [...this.kernelSize, this.filters, GATES * this.filters],
      ...this.parts.recurrent,
      regularizerArgument: 'recurrentRegularizer',
    });
    if (this.useBias) {
      const base = this.parts.bias.initializer;
      this.bias = this.addWeight({
        name: 'bias',
        role: 'bias',
        shape: [GATES * this.filters],
        initializer: this.unitForgetBias ? new UnitForgetBias(base, this.filters) : base,
        regularizer: this.parts.bias.regularizer,
        constraint: this.parts.bias.constraint,
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = inputShape as Shape;
    const spatial = this.outputSpatial(shape);
    const batch = shape[0] ?? null;
    const state: Shape = [batch, ...spatial, this.filters];
    const output: Shape = this.returnSequences ? [batch, shape[1] ?? null, ...spatial, this.filters] : state;
    return this.returnState ? [output, state, [...state]] : output;
  }

  /** Four dropout masks of `shape` (one per gate), or undefined when not dropping. */
  private gateMasks(active: boolean, shape: number[], rate: number, firstSeed: number | undefined): tf.Tensor[] | undefined {
    if (!active || rate === 0) return undefined;
    return Array.from({ length: GATES }, (_, g) => dropoutMask(shape, rate, firstSeed === undefined ? undefined : firstSeed + g));
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor | tf.Tensor[] {
    const x = floatInput(inputs as tf.Tensor);
    const frame = this.frameShape;
    if (x.rank !== this.spatialRank + 3 || x.shape.slice(2).some((d, i) => d !== frame[i])) {
      throw this.shapeError(`expected inputs of shape [batch, time, ${frame.join(', ')}]; received shape [${x.shape.join(', ')}].`, x.shape);
    }
    const [batch, time] = x.shape as [number, number];
    if (time === 0) throw this.shapeError(`inputs must have at least one time step; received shape [${x.shape.join(', ')}].`, x.shape);
    const seed = this.seed ?? undefined;
    const inputNeedsGradient = ctx.constantInputs?.[0] !== true;
    // The input is cut into steps, rather than a projection of every step made before the loop
    // (4 * filters channels, usually more than the input has): on wasm, Unpack of a [6, 32, 4608]
    // tensor takes 34 ms.
    const frames = tf.unstack(tf.transpose(x, [1, 0, ...frame.map((_, i) => i + 2)]), 0);
    const kernel = dilateKernel(this.kernel.read(), this.dilationRate);
    const inputConv = (xi: tf.Tensor, k: tf.Tensor) => this.convolve(xi, k, this.strides, this.padding, inputNeedsGradient);
    // As Keras: the same four masks at every time step, one per gate.
    const inputMasks = this.gateMasks(ctx.training, [batch, ...frame], this.dropout, seed);
    const bias = this.bias?.read();
    const stateShape = [batch, ...spatialOutput(this, x.shape.slice(1), this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize'), this.filters] as number[];
    const columns = size(stateShape) / this.filters;
    // The gates, [4, batch * positions, filters]: each one block, which every backend cuts in one
    // copy. Splitting the last axis (4 * filters channels) instead copies element by element on
    // cpu: 160 ms for a [32, 12, 12, 32] product, against 8 ms for this transpose (wasm: 2.6 ms
    // against 0.13 ms).
    const gates = (z: tf.Tensor) => tf.split(tf.transpose(tf.reshape(z, [columns, GATES, this.filters]), [1, 0, 2]), GATES, 0).map((g) => tf.reshape(g, stateShape));

    const mask = ctx.masks?.[0];
    // Only `@ridge/layers/masking` passes masks: it is loaded when there is one. Each step's mask
    // comes as [1, batch] and is laid out to broadcast over the states, [batch, 1, ..., 1].
    const stepMasks =
      mask &&
      feature('masking', `${who(this)} with a mask`)
        .stepMasks(this, mask, 1, batch, time)
        .map((m) => tf.reshape(m, [batch, ...new Array<number>(this.spatialRank + 1).fill(1)]));

    const recurrent = this.recurrentKernel.read();
    const ones = new Array<number>(this.spatialRank).fill(1);
    const recurrentConv = (hi: tf.Tensor, k: tf.Tensor) => this.convolve(hi, k, ones, 'same', true);
    const recurrentMasks = this.gateMasks(ctx.training, stateShape, this.recurrentDropout, seed === undefined ? undefined : seed + GATES);
    let h: tf.Tensor = tf.zeros(stateShape);
    let c: tf.Tensor = h;
    const outputs: tf.Tensor[] = [];
    let last: tf.Tensor = h;
    for (let step = 0; step < time; step++) {
      const t = this.goBackwards ? time - 1 - step : step;
      const xt = frames[t]!;
      const xw = inputMasks ? byGate(inputMasks.map((m) => tf.mul(xt, m)), kernel, inputConv) : inputConv(xt, kernel);
      const hw = recurrentMasks ? byGate(recurrentMasks.map((m) => tf.mul(h, m)), recurrent, recurrentConv) : recurrentConv(h, recurrent);
      const z = bias ? tf.add(tf.add(xw, hw), bias) : tf.add(xw, hw);
      const [zi, zf, zc, zo] = gates(z) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const cNext = tf.add(tf.mul(this.recurrentActivationFn(zf), c), tf.mul(this.recurrentActivationFn(zi), this.activationFn(zc)));
      const hNext = tf.mul(this.recurrentActivationFn(zo), this.activationFn(cNext));
      const keep = stepMasks?.[t];
      // A masked step keeps the previous states; `where` sends the step's gradient nowhere there.
      h = keep ? tf.where(keep, hNext, h) : hNext;
      c = keep ? tf.where(keep, cNext, c) : cNext;
      last = keep && this.zeroOutputForMask ? tf.where(keep, h, tf.zerosLike(h)) : h;
      if (this.returnSequences) outputs.push(last);
    }
    const output = this.returnSequences ? tf.stack(outputs, 1) : last;
    return this.returnState ? [output, h, c] : output;
  }

  protected override layerConfig(): JsonObject {
    return {
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      ...this.sequenceConfig({ unitForgetBias: this.unitForgetBias }),
    };
  }
}
