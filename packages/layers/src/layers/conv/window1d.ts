import { formatShape } from '../../engine/shape.js';
import { layerArgError, type Described } from '../../engine/errors.js';
import { checkDataFormat, checkPadding, normalizeTuple, type DataFormat, type Padding } from './conv-utils.js';

/** The sliding-window arguments of the 1-D depthwise, separable and transposed convolutions. */
export interface Window1DArgs {
  kernelSize: number | readonly number[];
  strides?: number | readonly number[] | undefined;
  padding?: Padding | undefined;
  dataFormat?: DataFormat | null | undefined;
  dilationRate?: number | readonly number[] | undefined;
}

export interface Window1D {
  readonly kernelSize: readonly [number];
  readonly strides: readonly [number];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly [number];
}

/**
 * Checks the window arguments of a 1-D layer as Keras 3 does: positive integers (one, or a list
 * of one), `'valid'` or `'same'` (Keras 3 allows `'causal'` for Conv1D only), channels-last, and
 * strides > 1 refused together with dilation > 1.
 */
export function checkWindow1d(owner: Described, args: Window1DArgs): Window1D {
  const one = (argument: string, value: unknown) => normalizeTuple(owner, argument, value, 1, 1) as [number];
  const kernelSize = one('kernelSize', args.kernelSize);
  const strides = one('strides', args.strides ?? 1);
  const hint = String(args.padding).toLowerCase() === 'causal' ? " ('causal' is Conv1D's only, as in Keras 3)" : '';
  const padding = checkPadding<Padding>(owner, args.padding, ['valid', 'same'], hint);
  const dataFormat = checkDataFormat(owner, args.dataFormat);
  const dilationRate = one('dilationRate', args.dilationRate ?? 1);
  if (strides[0] > 1 && dilationRate[0] > 1) {
    throw layerArgError(
      owner,
      'strides',
      args.strides,
      `1 when dilationRate > 1 (strides > 1 with dilation > 1 is not supported; dilationRate is ${formatShape(dilationRate)})`,
    );
  }
  return { kernelSize, strides, padding, dataFormat, dilationRate };
}
