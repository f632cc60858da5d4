import { argumentError, describeValue } from '@ridge/core';

/** A shape whose dimensions may be unknown (`null`), the batch dimension first. */
export type Shape = readonly (number | null)[];

export function isShape(value: unknown): value is Shape {
  return Array.isArray(value) && value.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 0));
}

export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** Checks a user-given shape argument; `withBatch` shapes include the batch dimension. */
export function checkShape(argument: string, value: unknown, owner: string): Shape {
  if (!isShape(value)) {
    throw argumentError(
      `${owner}: ${argument} must be a list of non-negative integers or null; received ${describeValue(value)}.`,
      { argument, received: value },
    );
  }
  return value;
}

/** Whether a concrete shape fits a shape with unknown dimensions. */
export function shapeFits(actual: readonly number[], expected: Shape): boolean {
  return actual.length === expected.length && expected.every((d, i) => d === null || d === actual[i]);
}

/** The number of elements of the known part of a shape (all dims but the first). */
export function sizeOf(dims: readonly (number | null)[]): number {
  return dims.reduce<number>((a, d) => a * (d ?? 1), 1);
}
