/** Stable error codes. Code that catches a RidgeError should branch on these, never on messages. */
export type RidgeErrorCode =
  | 'DUPLICATE_NAME'
  | 'UNKNOWN_NAME'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'INVALID_ENTRY'
  | 'INCOMPATIBLE_PLUGIN'
  | 'BACKEND_UNAVAILABLE'
  | 'SHAPE_MISMATCH'
  | 'NOT_COMPILED'
  | 'BUSY'
  | 'INVALID_DATA'
  | 'INVALID_JSON'
  | 'INVALID_WEIGHTS'
  | 'FEATURE_NOT_LOADED';

const brand = Symbol.for('@ridge/core/RidgeError');

/**
 * The one error class of Ridge. `code` is stable; the message says what was wrong, what was
 * received and what to do.
 */
export class RidgeError extends Error {
  declare readonly code: RidgeErrorCode;
  declare readonly details: Readonly<Record<string, unknown>>;

  constructor(code: RidgeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RidgeError';
    this.code = code;
    this.details = details;
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for a RidgeError from any loaded copy of @ridge/core (instanceof is per copy). */
  static is(error: unknown, code?: RidgeErrorCode): error is RidgeError {
    if (typeof error !== 'object' || error === null) return false;
    if ((error as Record<symbol, unknown>)[brand] !== true) return false;
    return code === undefined || (error as RidgeError).code === code;
  }
}

/** Renders a received value for an error message: short, unambiguous, never throws. */
export function describeValue(value: unknown): string {
  try {
    return describeUnsafe(value);
  } catch {
    // Hostile input (a revoked Proxy, a `constructor` key holding a prototype-less object).
    return 'a value';
  }
}

function describeUnsafe(value: unknown): string {
  const type = typeof value;
  if (type === 'string') return JSON.stringify(value);
  if (Object.is(value, -0)) return '-0';
  if (type === 'bigint') return `${value as bigint}n`;
  // Numbers (NaN and Infinity too), booleans, symbols, null and undefined as String writes them.
  if (value == null || type === 'number' || type === 'boolean' || type === 'symbol') return String(value);
  if (typeof value === 'function') return `a function${typeof value.name === 'string' && value.name ? ` (${value.name})` : ''}`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 6).map(describeValue).join(', ');
    return `[${shown}${value.length > 6 ? `, ... (${value.length} items)` : ''}]`;
  }
  // A class instance, named by its class; a `constructor` key of a plain object is just data.
  const proto: unknown = Object.getPrototypeOf(value);
  const ctor = proto === Object.prototype || proto === null ? undefined : (value as { constructor?: unknown }).constructor;
  const ctorName = typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : undefined;
  if (ctorName && ctorName !== 'Object') {
    const shape = (value as { shape?: unknown }).shape;
    return Array.isArray(shape) ? `a ${ctorName} of shape [${shape.join(', ')}]` : `a ${ctorName}`;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return 'an object';
  }
  if (text === undefined) return 'an object';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The shared shape of every "bad argument" error: names the argument, the value, and the fix. */
export function invalidArgument(
  argument: string,
  received: unknown,
  expected: string,
  code: RidgeErrorCode = 'INVALID_ARGUMENT',
): RidgeError {
  return mustBeError(argument, received, expected, { argument, received }, code);
}

/**
 * The message of `invalidArgument` for a `subject` that names its caller too (`fit: verbose`,
 * `Dense 'dense_1': units`), with the caller's own details:
 * `<subject> must be <expected>; received <value>.`
 */
export function mustBeError(
  subject: string,
  received: unknown,
  expected: string,
  details: Record<string, unknown>,
  code: RidgeErrorCode = 'INVALID_ARGUMENT',
): RidgeError {
  return new RidgeError(code, `${subject} must be ${expected}; received ${describeValue(received)}.`, details);
}

/** An `INVALID_ARGUMENT` refusal whose message does not have the `mustBeError` shape. */
export function argumentError(message: string, details?: Record<string, unknown>): RidgeError {
  return new RidgeError('INVALID_ARGUMENT', message, details);
}

/** A `SHAPE_MISMATCH` error: the message names the shapes received and expected. */
export function shapeError(message: string, details?: Record<string, unknown>): RidgeError {
  return new RidgeError('SHAPE_MISMATCH', message, details);
}

/** An `INVALID_DATA` error: the message names the data argument and what is wrong with it. */
export function dataError(message: string, details?: Record<string, unknown>): RidgeError {
  return new RidgeError('INVALID_DATA', message, details);
}
