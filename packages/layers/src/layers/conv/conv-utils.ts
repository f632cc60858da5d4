import { RidgeError } from '@ridge/core';
import { layerArgError, who, type Described } from '../../engine/errors.js';
import { formatShape, type Shape } from '../../engine/shape.js';

/** Ridge computes channels-last only, as Keras does by default. */
export type DataFormat = 'channels_last';

export type Padding = 'valid' | 'same';

/** Conv1D also accepts `'causal'`: left padding, so output t never sees inputs after t. */
export type ConvPadding = Padding | 'causal';

/** `[batch, steps, channels]`, `[batch, height, width, channels]` or `[batch, depth, height, width, channels]`, for messages. */
export function layoutOf(spatialRank: number): string {
  if (spatialRank === 3) return '[batch, depth, height, width, channels]';
  return spatialRank === 1 ? '[batch, steps, channels]' : '[batch, height, width, channels]';
}

/**
 * Keras's `standardize_tuple`: one integer for every spatial axis, or a list with one per axis.
 * Returns a fresh array.
 */
export function normalizeTuple(owner: Described, argument: string, value: unknown, rank: number, min: number): number[] {
  const list: unknown[] | undefined =
    typeof value === 'number' ? new Array<number>(rank).fill(value) : Array.isArray(value) ? value : undefined;
  if (list === undefined || list.length !== rank || !list.every((v) => Number.isInteger(v) && (v as number) >= min)) {
    const many = rank === 1 ? 'a list of 1 such integer' : `a list of ${rank} such integers`;
    throw layerArgError(owner, argument, value, `an integer >= ${min} or ${many}`);
  }
  return list as number[];
}

/** Checks `padding` (case-insensitive, as Keras); `hint` explains a value valid elsewhere. */
export function checkPadding<const P extends string>(owner: Described, value: unknown, allowed: readonly P[], hint = ''): P {
  if (value === undefined) return allowed[0]!;
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  if (typeof lower === 'string' && (allowed as readonly string[]).includes(lower)) return lower as P;
  throw layerArgError(owner, 'padding', value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}${hint}`);
}

export function checkDataFormat(owner: Described, value: unknown): DataFormat {
  if (value === undefined || value === null || value === 'channels_last') return 'channels_last';
  const why = value === 'channels_first' ? " (Ridge computes channels-last only: transpose the inputs to [batch, ..., channels])" : '';
  throw layerArgError(owner, 'dataFormat', value, `'channels_last'${why}`);
}

/** Keras's output length along one spatial axis; `null` stays unknown. */
export function outputLength(length: number | null, window: number, stride: number, dilation: number, padding: ConvPadding): number | null {
  if (length === null) return null;
  const effective = (window - 1) * dilation + 1;
  return padding === 'valid' ? Math.floor((length - effective) / stride) + 1 : Math.floor((length - 1) / stride) + 1;
}

/** TensorFlow's 'same' padding along one axis: `[before, after]`, the extra one after. */
export function samePadding(length: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + window - length, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function shapeError(owner: Described, message: string, received: Shape): RidgeError {
  return new RidgeError('SHAPE_MISMATCH', `${who(owner)}: ${message}`, { layer: owner.name, argument: 'inputs', received });
}

/** Throws SHAPE_MISMATCH unless the shape has rank `spatialRank + 2`. */
export function expectRank(owner: Described, shape: Shape, spatialRank: number): void {
  if (shape.length !== spatialRank + 2) {
    throw shapeError(
      owner,
      `expected inputs of rank ${spatialRank + 2} (${layoutOf(spatialRank)}); received shape ${formatShape(shape)}.`,
      shape,
    );
  }
}

/** Throws SHAPE_MISMATCH when the channel (last) dimension is unknown or not `expected`. */
export function expectChannels(owner: Described, shape: Shape, expected?: number): number {
  const channels = shape[shape.length - 1] ?? null;
  if (channels === null || (expected !== undefined && channels !== expected)) {
    const want = expected === undefined ? 'a known channel (last) dimension' : `${expected} channels (the last dimension)`;
    throw shapeError(owner, `expected inputs with ${want}; received shape ${formatShape(shape)}.`, shape);
  }
  return channels;
}

/**
 * The output's spatial sizes for a sliding window; throws SHAPE_MISMATCH when a known input size
 * leaves no output position (a 'valid' window larger than the input).
 */
export function spatialOutput(
  owner: Described,
  shape: Shape,
  window: readonly number[],
  strides: readonly number[],
  dilation: readonly number[],
  padding: ConvPadding,
  windowName: string,
): (number | null)[] {
  const spatial = shape.slice(1, -1);
  const out = spatial.map((d, i) => outputLength(d, window[i]!, strides[i]!, dilation[i]!, padding));
  if (out.some((d) => d !== null && d < 1)) {
    const dilated = dilation.some((d) => d > 1);
    const needed = padding === 'valid' ? window.map((w, i) => (w - 1) * dilation[i]! + 1) : window.map(() => 1);
    const why = padding === 'valid' ? ` (the ${windowName}${dilated ? ', dilated' : ''}); use padding 'same' or larger inputs` : '';
    throw shapeError(
      owner,
      `inputs of shape ${formatShape(shape)} are too small: with padding '${padding}' each spatial size must be at least ` +
        `${formatShape(needed)}${why}.`,
      shape,
    );
  }
  return out;
}
