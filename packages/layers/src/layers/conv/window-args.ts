import { formatShape } from '../../engine/shape.js';
import { layerArgError, type Described } from '../../engine/errors.js';
import { checkDataFormat, checkPadding, normalizeTuple, type DataFormat, type Padding } from './conv-utils.js';

/** The sliding-window arguments the depthwise, separable and transposed convolutions share. */
export interface WindowArgs {
  kernelSize: number | readonly number[];
  strides?: number | readonly number[] | undefined;
  padding?: Padding | undefined;
  dataFormat?: DataFormat | null | undefined;
  dilationRate?: number | readonly number[] | undefined;
}

export interface Window {
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
}

/**
 * Checks the window arguments of a layer of spatial `rank` as Conv1D and Conv2D do: positive
 * integers (one, or a list of one per axis), `'valid'` or `'same'`, channels-last, and strides > 1
 * refused together with dilation > 1 (as in Keras). Keras 3 allows `'causal'` for Conv1D only,
 * which a 1-D layer's message says.
 */
export function checkWindow(owner: Described, args: WindowArgs, rank: 1 | 2): Window {
  const kernelSize = normalizeTuple(owner, 'kernelSize', args.kernelSize, rank, 1);
  const strides = normalizeTuple(owner, 'strides', args.strides ?? 1, rank, 1);
  const hint = rank === 1 && String(args.padding).toLowerCase() === 'causal' ? " ('causal' is Conv1D's only, as in Keras 3)" : '';
  const padding = checkPadding<Padding>(owner, args.padding, ['valid', 'same'], hint);
  const dataFormat = checkDataFormat(owner, args.dataFormat);
  const dilationRate = normalizeTuple(owner, 'dilationRate', args.dilationRate ?? 1, rank, 1);
  if (strides.some((s) => s > 1) && dilationRate.some((d) => d > 1)) {
    throw layerArgError(
      owner,
      'strides',
      args.strides,
      `1 when dilationRate > 1 (strides > 1 with dilation > 1 is not supported; dilationRate is ${formatShape(dilationRate)})`,
    );
  }
  return { kernelSize, strides, padding, dataFormat, dilationRate };
}

/** Checks `useBias`: a boolean, default true. */
export function checkUseBias(owner: Described, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw layerArgError(owner, 'useBias', value, 'true or false');
  return value ?? true;
}
