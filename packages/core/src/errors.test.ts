import { describe, expect, it } from 'vitest';
import { RidgeError, argumentError, dataError, describeValue, invalidArgument, mustBeError, shapeError } from './errors.js';
import { checkConfigKeys, checkNonNegativeNumber, checkNumber, checkOneOf } from './validate.js';

describe('RidgeError', () => {
  it('has a stable code and is recognised across copies by its brand', () => {
    const e = new RidgeError('UNKNOWN_NAME', 'x');
    expect(e).toBeInstanceOf(Error);
    expect(RidgeError.is(e)).toBe(true);
    expect(RidgeError.is(e, 'UNKNOWN_NAME')).toBe(true);
    expect(RidgeError.is(e, 'DUPLICATE_NAME')).toBe(false);
    expect(RidgeError.is(new Error('x'))).toBe(false);
    const foreign = Object.assign(new Error('y'), { code: 'UNKNOWN_NAME' });
    Object.defineProperty(foreign, Symbol.for('@ridge/core/RidgeError'), { value: true });
    expect(RidgeError.is(foreign, 'UNKNOWN_NAME')).toBe(true);
  });

  it('argumentError, shapeError and dataError keep the message and details they are given, with their code', () => {
    const cases = [
      [argumentError, 'INVALID_ARGUMENT'],
      [shapeError, 'SHAPE_MISMATCH'],
      [dataError, 'INVALID_DATA'],
    ] as const;
    for (const [make, code] of cases) {
      const e = make('x has shape [2]; expected [3].', { argument: 'x', received: [2] });
      expect(RidgeError.is(e, code)).toBe(true);
      expect(e.message).toBe('x has shape [2]; expected [3].');
      expect(e.details).toEqual({ argument: 'x', received: [2] });
      expect(make('no details').details).toEqual({});
    }
  });

  it('messages name the argument and the received value', () => {
    const e = invalidArgument('l2', Number.NaN, 'a finite number >= 0');
    expect(e.message).toBe('l2 must be a finite number >= 0; received NaN.');
    expect(e.details).toEqual({ argument: 'l2', received: Number.NaN });
  });

  it('mustBeError takes a subject that names its caller, the caller\'s details and a code', () => {
    const e = mustBeError("Dense 'dense_1': units", 0, 'an integer >= 1', { layer: 'dense_1', argument: 'units' });
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe("Dense 'dense_1': units must be an integer >= 1; received 0.");
    expect(e.details).toEqual({ layer: 'dense_1', argument: 'units' });
    expect(mustBeError('x', 'a', 'numbers', {}, 'INVALID_DATA').code).toBe('INVALID_DATA');
  });
});

describe('describeValue', () => {
  it('renders values unambiguously', () => {
    expect(describeValue('l2')).toBe('"l2"');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(Infinity)).toBe('Infinity');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(-2.5)).toBe('-2.5');
    expect(describeValue(0)).toBe('0');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(false)).toBe('false');
    expect(describeValue(Symbol('k'))).toBe('Symbol(k)');
    expect(describeValue(function named() {})).toBe('a function (named)');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue([1, 2])).toBe('[1, 2]');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(new Map())).toBe('a Map');
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(describeValue(circular)).toBe('an object');
  });
});

describe('validation helpers', () => {
  it('checkNonNegativeNumber accepts finite numbers >= 0 only', () => {
    expect(checkNonNegativeNumber('l1', 0)).toBe(0);
    for (const bad of [-1e-9, Number.NaN, Infinity, '0.1', null]) {
      expect(() => checkNonNegativeNumber('l1', bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('l1 must be') }));
    }
  });

  it('checkNumber honours bounds and integrality', () => {
    expect(checkNumber('units', 3, { min: 1, integer: true })).toBe(3);
    expect(() => checkNumber('units', 1.5, { integer: true })).toThrow(/units must be an integer/);
    expect(() => checkNumber('rate', 1, { min: 0, max: 0.5 })).toThrow(/rate must be a finite number between 0 \(inclusive\) and 0.5 \(inclusive\); received 1/);
    expect(() => checkNumber('lr', 0, { min: 0, minExclusive: true })).toThrow(/> 0/);
  });

  it('checkConfigKeys rejects unknown keys and suggests the closest one', () => {
    expect(() => checkConfigKeys('L2', { l2: 1 }, ['l2'])).not.toThrow();
    expect(() => checkConfigKeys('L2', { l_2: 1 }, ['l2'])).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining("unknown config key \"l_2\" (set to 1). Did you mean 'l2'?") }));
  });

  it('checkOneOf lists the allowed values', () => {
    expect(checkOneOf('mode', 'rows', ['rows', 'columns'] as const)).toBe('rows');
    expect(() => checkOneOf('mode', 'diag', ['rows', 'columns'] as const)).toThrow(`mode must be one of 'rows', 'columns'; received "diag".`);
  });
});
