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
  declare readonly shape: Shape;
  declare readonly dtype: DataType;
  declare readonly sourceLayer: SymbolicSource;
  /** The call of `sourceLayer` that produced it. */
  declare readonly node: Node;
  declare readonly outputIndex: number;

  constructor(shape: Shape, dtype: DataType, sourceLayer: SymbolicSource, node: Node, outputIndex: number) {
    this.shape = shape;
    this.dtype = dtype;
    this.sourceLayer = sourceLayer;
    this.node = node;
    this.outputIndex = outputIndex;
  }

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
