import { RidgeError } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type CallOptions } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { isSymbolic, type SymbolicTensor } from '../../engine/symbolic.js';

/** `[null, 3] and [null, 4]`, for messages. */
export function formatShapes(shapes: readonly Shape[]): string {
  return shapes.map(formatShape).join(' and ');
}

/**
 * The base of the merge layers: they take a list of tensors (`layer.apply([a, b])`), never a
 * single one, and check the number of inputs and their shapes on every call, symbolic or real,
 * naming the layer and the shapes received.
 */
export abstract class MergeBase extends Layer {
  protected override readonly multiInput: boolean = true;

  /** The number of inputs the layer takes: exactly that many, or at least 1 when undefined. */
  protected get inputCount(): number | undefined {
    return undefined;
  }

  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[];
  override applyAll(inputs: tf.Tensor | readonly tf.Tensor[], options?: CallOptions): tf.Tensor[];
  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[] | tf.Tensor | readonly tf.Tensor[], options: CallOptions = {}): SymbolicTensor[] | tf.Tensor[] {
    const count = this.inputCount;
    const expected = count === undefined ? 'a list of at least 1 tensor' : `a list of exactly ${count} tensors`;
    if (!Array.isArray(inputs)) {
      const single = isSymbolic(inputs) || inputs instanceof tf.Tensor ? `one tensor of shape ${formatShape(inputs.shape)}, not in a list` : inputs;
      throw layerArgError(this, 'inputs', single, `${expected}, as in apply([a, b])`);
    }
    if (inputs.length === 0 || (count !== undefined && inputs.length !== count)) {
      throw layerArgError(this, 'inputs', `${inputs.length} tensors`, expected);
    }
    return super.applyAll(inputs as never, options);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  /** A SHAPE_MISMATCH error naming the layer, `argument` and the shapes received. */
  protected shapeError(what: string, shapes: readonly Shape[], argument = 'inputs'): RidgeError {
    return new RidgeError('SHAPE_MISMATCH', `${who(this)}: ${what}; received shapes ${formatShapes(shapes)}.`, {
      layer: this.name,
      argument,
      received: shapes.map((s) => [...s]),
    });
  }

  /** Merge layers compute in float32, as their symbolic outputs say. */
  protected floats(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return (inputs as tf.Tensor[]).map((x) => (x.dtype === 'float32' ? x : tf.cast(x, 'float32')));
  }
}

/**
 * An elementwise merge (Add, Subtract, Multiply, Average, Maximum, Minimum), with Keras 3's shape
 * rules: the batch sizes must agree (a known size and `null` agree), and the other dimensions
 * broadcast as in NumPy, aligned from the last axis: equal sizes, or 1 against any size, or
 * `null` (unknown) against anything. An input of lower rank gets axes of size 1 inserted after
 * its batch axis (Keras's `expand_dims(x, axis=1)`), which is the same alignment.
 */
export abstract class Merge extends MergeBase {
  /** Combines inputs of the same rank, which broadcast against each other. */
  protected abstract mergeFunction(inputs: readonly tf.Tensor[]): tf.Tensor;

  /** Takes masks, as Keras 3's merge layers (the values are computed without them). */
  override get supportsMasking(): boolean {
    return true;
  }

  /** Keras 3's `compute_mask`: a mask only when every input has one. */
  override computeOutputMasked(inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, () => inputsMasked.every(Boolean));
  }

  /** The inputs' masks ORed, as Keras 3. */
  override computeMask(_inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    const bool = (m: tf.Tensor) => (m.dtype === 'bool' ? m : tf.cast(m, 'bool'));
    const mask = masks.every((m) => m !== undefined) ? masks.map((m) => bool(m!)).reduce((a, b) => tf.logicalOr(a, b)) : undefined;
    return Array.from({ length: outputCount }, () => mask);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    const batches = new Set(shapes.map((s) => s[0]).filter((d) => d !== null && d !== undefined));
    if (batches.size > 1) throw this.shapeError('cannot merge tensors with different batch sizes', shapes);
    if (shapes.some((s) => s.length === 0)) throw this.shapeError('inputs need a batch dimension', shapes);
    let out: (number | null)[] = [...shapes[0]!.slice(1)];
    for (const shape of shapes.slice(1)) {
      const rest = shape.slice(1);
      const [long, short] = out.length >= rest.length ? [out, rest] : [rest, out];
      const lead = long.length - short.length;
      out = long.map((d, i) => {
        if (i < lead) return d;
        const e = short[i - lead]!;
        if (d === null || e === null) return null;
        if (d === 1) return e;
        if (e === 1 || d === e) return d;
        throw this.shapeError(
          'inputs have incompatible shapes (each dimension after the batch must be equal, or 1, aligned from the last axis)',
          shapes,
        );
      });
    }
    return [[...batches][0] ?? null, ...out];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const xs = this.floats(inputs);
    this.computeOutputShape(xs.map((x) => x.shape));
    const rank = Math.max(...xs.map((x) => x.rank));
    const aligned = xs.map((x) => (x.rank === rank ? x : tf.reshape(x, [x.shape[0]!, ...new Array<number>(rank - x.rank).fill(1), ...x.shape.slice(1)])));
    return this.mergeFunction(aligned);
  }
}
