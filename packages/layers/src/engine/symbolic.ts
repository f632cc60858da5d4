import type { DataType } from '@tensorflow/tfjs-core';
import type { Shape } from './shape.js';
import { formatShape } from './shape.js';

/** What a symbolic tensor knows of the layer that made it (kept structural to avoid a cycle). */
export interface SymbolicSource {
  readonly name: string;
  readonly className: string;
}

let nextId = 0;

/**
 * A placeholder for a tensor in a functional graph: its shape (batch dimension `null`), dtype,
 * and the layer call (node) that produces it.
 */
export class SymbolicTensor {
  readonly id = nextId++;

  constructor(
    readonly shape: Shape,
    readonly dtype: DataType,
    readonly sourceLayer: SymbolicSource,
    /** The call of `sourceLayer` that produced it. */
    readonly node: Node,
    readonly outputIndex: number,
  ) {}

  get name(): string {
    return this.outputIndex === 0 ? this.sourceLayer.name : `${this.sourceLayer.name}:${this.outputIndex}`;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor(${this.name}, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
  }
}

/** One call of a layer in a graph: which symbolic tensors went in and came out. */
export interface Node {
  readonly layer: SymbolicSource;
  readonly inputs: readonly SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Extra call arguments that are not tensors (kept for serialization). */
  readonly kwargs: Readonly<Record<string, unknown>>;
}

export function isSymbolic(x: unknown): x is SymbolicTensor {
  return x instanceof SymbolicTensor;
}
