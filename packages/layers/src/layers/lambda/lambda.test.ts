/*
 * Keras's Lambda (keras/src/layers/core/lambda_layer.py): `function(inputs, **arguments)` in the
 * layer's call; `output_shape` without the batch axis (the batch is the first input's), a function
 * of the input shape, or inferred by running the function (Keras 3's JAX backend runs it twice,
 * unknown dimensions 83 and then 89, and keeps a dimension that does not change); masks pass only
 * with a `mask` (`supports_masking = mask is not None`); the config names the function
 * (`{ class_name: 'function', config: name }`) and Python lambdas are bytecode (`__lambda__`).
 */
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { caughtRidgeError as caughtSync, expectClose } from '../../../test/fixtures.js';
import { caught, numbers, useCpu } from '../../../test/setup.js';
import {
  dense,
  embedding,
  getActivation,
  globalAveragePooling1d,
  input,
  lambda,
  Lambda,
  loadModel,
  model,
  modelFromJSON,
  sequential,
  timeDistributed,
  type LambdaContext,
  type Model,
} from '../../index.js';
import { RidgeError, type JsonObject } from '@ridge/core';

useCpu();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-lambda-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `scale * x + shift`, with its arguments named as a user would (camelCase and snake_case keys). */
function scaleShift(x: tf.Tensor, args: { scale: number; shiftBy: number }): tf.Tensor {
  return tf.add(tf.mul(x, args.scale), args.shiftBy);
}

/** `alpha * a + (1 - alpha) * b`, of two inputs. */
function blend([a, b]: tf.Tensor[], { alpha }: { alpha: number }): tf.Tensor {
  return tf.add(tf.mul(a!, alpha), tf.mul(b!, 1 - alpha));
}

const X = [
  [1, -2, 3],
  [0.5, 4, -1],
];

/** A small functional model: dense -> Lambda(scaleShift) -> dense, weights set to fixed values. */
function scaleShiftModel(prefix: string): Model {
  const inp = input({ shape: [3], name: `${prefix}_in` });
  const h = dense({ units: 2, name: `${prefix}_d1` }).apply(inp);
  const s = lambda({ function: scaleShift, arguments: { scale: 2, shiftBy: -1 }, name: `${prefix}_lambda` }).apply(h);
  const out = dense({ units: 1, name: `${prefix}_d2` }).apply(s);
  const m = model({ inputs: inp, outputs: out, name: `${prefix}_model` });
  const weights = [tf.tensor2d([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]), tf.tensor1d([0.01, -0.02]), tf.tensor2d([[0.7], [-0.8]]), tf.tensor1d([0.05])];
  m.setWeights(weights);
  tf.dispose(weights);
  return m;
}

/** The same model by hand: ((x W1 + b1) * 2 - 1) W2 + b2. */
function scaleShiftByHand(x: number[][]): number[] {
  const W1 = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]];
  const b1 = [0.01, -0.02];
  const W2 = [0.7, -0.8];
  return x.map((row) => {
    const h = [0, 1].map((j) => row.reduce((s, v, k) => s + v * W1[k]![j]!, b1[j]!));
    return h.reduce((s, v, j) => s + (2 * v - 1) * W2[j]!, 0.05);
  });
}

describe('Lambda: values', () => {
  it('one input: the function applied to the tensor with its arguments, eagerly and in a sequential model', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(X);
    const layer = lambda({ function: scaleShift, arguments: { scale: 3, shiftBy: 0.5 } });
    const eager = layer.apply(x);
    expectClose(eager, X.flat().map((v) => 3 * v + 0.5));
    const seq = sequential({ layers: [lambda({ function: scaleShift, arguments: { scale: -1, shiftBy: 2 }, inputShape: [3] })] });
    const y = seq.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    expectClose(y, X.flat().map((v) => -v + 2));
    tf.dispose([x, y, eager]);
    layer.dispose();
    seq.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('several inputs: the function gets the list, in a functional model', () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [3] });
    const out = lambda({ function: blend, arguments: { alpha: 0.25 } }).apply([a, b]);
    expect(out.shape).toEqual([null, 3]);
    const m = model({ inputs: [a, b], outputs: out });
    const B = [[2, 2, 2], [-4, 0, 8]];
    const xa = tf.tensor2d(X);
    const xb = tf.tensor2d(B);
    const before = tf.memory().numTensors;
    const y = m.predict([xa, xb]) as tf.Tensor;
    expectClose(y, X.flat().map((v, i) => 0.25 * v + 0.75 * B.flat()[i]!));
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xa, xb]);
    m.dispose();
  });

  it('several outputs: a list returned is one output each (applyAll)', () => {
    const inp = input({ shape: [2] });
    const outs = lambda({ function: function squareAndNegate(x: tf.Tensor) { return [tf.square(x), tf.neg(x)]; } }).applyAll(inp);
    expect(outs.map((o) => o.shape)).toEqual([[null, 2], [null, 2]]);
    const m = model({ inputs: inp, outputs: outs });
    const x = tf.tensor2d([[1, -3]]);
    const [sq, neg] = m.predict(x) as tf.Tensor[];
    expect([numbers(sq!), numbers(neg!)]).toEqual([[1, 9], [-1, 3]]);
    tf.dispose([x, sq!, neg!]);
    m.dispose();
  });

  it('tells the function whether it is training', () => {
    const seen: boolean[] = [];
    const layer = lambda({ function: function record(x: tf.Tensor, _a: object, ctx: LambdaContext) { seen.push(ctx.training); return tf.relu(x); } });
    const x = tf.tensor1d([-1, 2]);
    tf.dispose([layer.apply(x), layer.apply(x, { training: true })]);
    expect(seen).toEqual([false, true]);
    x.dispose();
  });
});

describe('Lambda: output shape', () => {
  it('is inferred by running the function twice on zeros: dimensions that follow an unknown one are unknown', () => {
    let calls = 0;
    const counted = (f: (x: tf.Tensor) => tf.Tensor) =>
      function probed(x: tf.Tensor) {
        calls++;
        return f(x);
      };
    const seqIn = input({ shape: [null, 3] });
    // [batch, time, 3]: doubling the time axis keeps it unknown; the mean over time removes it.
    expect(lambda({ function: counted((x) => tf.concat([x, x], 1)) }).apply(seqIn).shape).toEqual([null, null, 3]);
    expect(lambda({ function: counted((x) => tf.mean(x, 1)) }).apply(seqIn).shape).toEqual([null, 3]);
    // Reshapes by a known size: [batch, 4] -> [batch, 2, 2], and a sum to one column.
    const flat = input({ shape: [4] });
    expect(lambda({ function: counted((x) => tf.reshape(x, [-1, 2, 2])) }).apply(flat).shape).toEqual([null, 2, 2]);
    expect(lambda({ function: counted((x) => tf.sum(x, -1, true)) }).apply(flat).shape).toEqual([null, 1]);
    expect(calls).toBe(8);
  });

  it('probes with the inputs dtype, and the output takes the function dtype (int32 ids to a one-hot)', () => {
    const ids = input({ shape: [3], dtype: 'int32' });
    const out = lambda({ function: function oneHot5(x: tf.Tensor) { return tf.oneHot(x as tf.Tensor1D, 5); } }).apply(ids);
    expect(out.shape).toEqual([null, 3, 5]);
    expect(out.dtype).toBe('int32');
  });

  it('given as a shape without the batch axis (the batch is the input one) or as a function of the input shape: the function is not run', () => {
    let calls = 0;
    function reshape22(x: tf.Tensor) {
      calls++;
      return tf.reshape(x, [-1, 2, 2]);
    }
    const flat = input({ shape: [4] });
    expect(lambda({ function: reshape22, outputShape: [2, 2] }).apply(flat).shape).toEqual([null, 2, 2]);
    expect(lambda({ function: reshape22, outputShape: (s) => [(s as (number | null)[])[0]!, 2, 2] }).apply(flat).shape).toEqual([null, 2, 2]);
    const fixed = input({ batchShape: [5, 4] });
    expect(lambda({ function: reshape22, outputShape: [2, 2] }).apply(fixed).shape).toEqual([5, 2, 2]);
    expect(calls).toBe(0);
    const two = lambda({ function: function pair(x: tf.Tensor) { return [x, x]; }, outputShape: [[4], [4]] }).applyAll(flat);
    expect(two.map((t) => t.shape)).toEqual([[null, 4], [null, 4]]);
  });

  it('inside TimeDistributed: the shape of one step, the function applied to every step, and loaded back nested', () => {
    function sumPair(x: tf.Tensor) {
      return tf.sum(x, -1, true);
    }
    const inp = input({ shape: [3, 2] });
    const out = timeDistributed({ layer: lambda({ function: sumPair }) }).apply(inp);
    expect(out.shape).toEqual([null, 3, 1]);
    const m = model({ inputs: inp, outputs: out });
    const again = modelFromJSON(JSON.stringify(m), { customObjects: { sumPair } });
    const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]]]);
    for (const each of [m, again]) {
      const y = each.predict(x) as tf.Tensor;
      expect(numbers(y)).toEqual([3, 7, 11]);
      y.dispose();
      each.dispose();
    }
    x.dispose();
  });

  it('a function that fails on the probe is SHAPE_MISMATCH asking for outputShape, with nothing left allocated', () => {
    const flat = input({ shape: [4] });
    const before = tf.memory().numTensors;
    const error = caughtSync(() => lambda({ function: function project(x: tf.Tensor) { return tf.matMul(x, tf.ones([5, 2])); }, name: 'bad_probe' }).apply(flat));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("Lambda 'bad_probe': could not infer the output shape: function 'project' failed on zeros of shape [83, 4]");
    expect(error.message).toContain('Pass outputShape');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Lambda: training', () => {
  it('gradients flow through the function: one SGD step matches the derivative by hand', async () => {
    // out = k * (x . w)^2, loss = mean((out - y)^2): dL/dw = mean(2 (out - y) * 2 k (x . w) * x).
    const k = 0.5;
    const lr = 0.1;
    const xs = [[1, 2], [-1, 0.5]];
    const ys = [1, -2];
    const w0 = [0.3, -0.4];
    const m = sequential({
      layers: [dense({ units: 1, useBias: false, inputShape: [2] }), lambda({ function: function halfSquare(z: tf.Tensor, a: { k: number }) { return tf.mul(tf.square(z), a.k); }, arguments: { k } })],
    });
    const w = tf.tensor2d(w0, [2, 1]);
    m.setWeights([w]);
    m.compile({ optimizer: sgd({ learningRate: lr }), loss: 'mse' });
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys, [2, 1]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    const grad = [0, 1].map((j) =>
      xs.reduce((s, row, i) => {
        const z = row[0]! * w0[0]! + row[1]! * w0[1]!;
        return s + 2 * (k * z * z - ys[i]!) * 2 * k * z * row[j]!;
      }, 0) / xs.length,
    );
    expectClose(m.layers[0]!.weights[0]!.variable, w0.map((v, j) => v - lr * grad[j]!));
    tf.dispose([w, x, y]);
    m.dispose();
  });

  it("owns no weights, so compile({ regularization: 'l2' }) penalizes the dense kernels only", () => {
    const m = scaleShiftModel('reg');
    const lam = m.getLayer('reg_lambda');
    expect(lam.weights).toEqual([]);
    expect(lam.countParams()).toBe(0);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'l2' });
    const report = m.penalties();
    expect(report.terms.map((t) => t.path)).toEqual(['reg_d1/kernel', 'reg_d2/kernel']);
    // L2's default factor 0.01 times the sum of squares of both kernels, as set in scaleShiftModel.
    const squares = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8].reduce((s, v) => s + v * v, 0);
    expect(report.total).toBeCloseTo(0.01 * squares, 6);
    m.dispose();
  });
});

describe('Lambda: masks', () => {
  const tokens = [[3, 1, 0, 0], [2, 2, 2, 0]];

  /** embedding (a fixed table) -> Lambda(x * 2) -> GlobalAveragePooling1D. */
  /** The masks the function was given, call by call (none in the shape probe, which runs without masks). */
  let given: boolean[] = [];

  function masked(withMask: boolean): Model {
    const inp = input({ shape: [4] });
    const emb = embedding({ inputDim: 4, outputDim: 1, maskZero: true });
    const doubled = lambda({
      function: function twice(x: tf.Tensor, _a: object, ctx: LambdaContext) {
        given.push(ctx.mask instanceof tf.Tensor);
        return tf.mul(x, 2);
      },
      ...(withMask ? { mask: function keepMask(_x: tf.Tensor, mask: unknown) { return mask as tf.Tensor; } } : {}),
    });
    const m = model({ inputs: inp, outputs: globalAveragePooling1d().apply(doubled.apply(emb.apply(inp))) });
    const table = tf.tensor2d([[10], [1], [2], [3]]);
    emb.setWeights([table]);
    table.dispose();
    return m;
  }

  it('with a mask function the mask goes on: the pooling averages the unmasked steps only', () => {
    const m = masked(true);
    given = [];
    const x = tf.tensor2d(tokens);
    const y = m.predict(x) as tf.Tensor;
    expect(given).toEqual([true]);
    // Row 1: steps 3, 1 -> embeddings 3, 1 -> doubled 6, 2 -> mean 4. Row 2: 2, 2, 2 -> 4, 4, 4 -> 4.
    expectClose(y, [4, 4]);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('without one the mask ends there, as in Keras (with its warning): the padding counts', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const m = masked(false);
    expect(warn.mock.calls.some(([msg]) => String(msg).includes('does not support masking'))).toBe(true);
    warn.mockRestore();
    given = [];
    const x = tf.tensor2d(tokens);
    const y = m.predict(x) as tf.Tensor;
    expect(given).toEqual([false]);
    // Padding (id 0) embeds to 10, doubled 20: (6 + 2 + 20 + 20) / 4 and (4 + 4 + 4 + 20) / 4.
    expectClose(y, [12, 8]);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('Lambda: saving and loading', () => {
  it('saves the function by name and the arguments as they are; customObjects brings back the same predictions', async () => {
    const original = scaleShiftModel('save');
    const json = original.toJSON() as unknown as { config: { layers: { class_name: string; config: JsonObject }[] } };
    const saved = json.config.layers.find((l) => l.class_name === 'Lambda')!.config;
    expect(saved).toMatchObject({ function: { class_name: 'function', config: 'scaleShift' }, output_shape: null, mask: null, arguments: { scale: 2, shiftBy: -1 } });

    const x = tf.tensor2d(X);
    const expected = scaleShiftByHand(X);
    const check = (m: Model) => {
      const y = m.predict(x) as tf.Tensor;
      expectClose(y, expected);
      y.dispose();
    };
    check(original);

    const fromJson = modelFromJSON(JSON.stringify(original), { customObjects: { scaleShift } });
    expect(fromJson.toJSON()).toEqual(original.toJSON());
    original.layers.forEach((l, i) => fromJson.layers[i]!.setWeights(l.weights.map((w) => w.variable)));
    check(fromJson);

    const target = path.join(dir, 'scale-shift');
    await original.save(`file://${target}`);
    const loaded = await loadModel(`file://${target}`, { customObjects: { scaleShift } });
    check(loaded);
    expect(loaded.toJSON()).toEqual(original.toJSON());
    tf.dispose(x);
    for (const m of [original, fromJson, loaded]) m.dispose();
  });

  it('arguments reach the loaded function exactly as given: key spellings, nulls and nested objects', () => {
    const given = { max_value: 2, shiftBy: null, nested: { inner_key: [1, null], className: 'not a part' } };
    const seen: unknown[] = [];
    function recordArgs(x: tf.Tensor, a: object) {
      seen.push(a);
      return tf.relu(x);
    }
    const inp = input({ shape: [2] });
    const m = model({ inputs: inp, outputs: lambda({ function: recordArgs, arguments: given }).apply(inp) });
    const json = m.toJSON() as unknown as { config: { layers: { config: JsonObject }[] } };
    expect(json.config.layers[1]!.config['arguments']).toEqual(given);
    const again = modelFromJSON(JSON.stringify(m), { customObjects: { recordArgs } });
    seen.length = 0;
    const x = tf.tensor2d([[1, -1]]);
    const y = again.predict(x) as tf.Tensor;
    expect(seen).toEqual([given]);
    tf.dispose([x, y]);
    m.dispose();
    again.dispose();
  });

  it('a Ridge activation is saved as Keras 3 saves keras.activations functions, and loads without customObjects', () => {
    const inp = input({ shape: [2] });
    const m = model({ inputs: inp, outputs: lambda({ function: getActivation('relu') }).apply(inp) });
    const json = m.toJSON() as unknown as { config: { layers: { config: JsonObject }[] } };
    expect(json.config.layers[1]!.config['function']).toEqual({ module: 'keras.activations', class_name: 'function', config: 'relu' });
    const again = modelFromJSON(JSON.stringify(m));
    const x = tf.tensor2d([[-1, 2]]);
    const y = again.predict(x) as tf.Tensor;
    expect(numbers(y)).toEqual([0, 2]);
    tf.dispose([x, y]);
    m.dispose();
    again.dispose();
  });

  it('loading without the function in customObjects is UNKNOWN_NAME naming it, and nothing stays allocated', async () => {
    const original = scaleShiftModel('missing');
    const target = path.join(dir, 'missing');
    await original.save(`file://${target}`);
    const text = JSON.stringify(original);
    original.dispose();
    const before = tf.memory().numTensors;
    for (const error of [await caught(() => loadModel(`file://${target}`)), caughtSync(() => modelFromJSON(text, { customObjects: { otherFn: scaleShift } }))]) {
      expect(RidgeError.is(error, 'UNKNOWN_NAME')).toBe(true);
      expect((error as RidgeError).message).toContain("Lambda 'missing_lambda': function is the function 'scaleShift'");
      expect((error as RidgeError).message).toContain('customObjects: { scaleShift }');
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a Keras Python lambda (bytecode) is refused, saying to rebuild the layer or name the function', () => {
    const layer = (fn: JsonObject, extra: JsonObject = {}) => ({
      class_name: 'Sequential',
      config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2], name: 'x' } }, { class_name: 'Lambda', config: { name: 'py_lambda', function: fn, arguments: {}, ...extra } }] },
    });
    const keras3 = layer({ class_name: '__lambda__', config: { code: '4wEAAAAAAAAA', defaults: null, closure: null } });
    const keras2 = layer('4wEAAAAAAAAA' as unknown as JsonObject, { function_type: 'lambda', module: '__main__', output_shape: null, output_shape_type: 'raw', output_shape_module: null });
    const before = tf.memory().numTensors;
    for (const json of [keras3, keras2]) {
      const error = caughtSync(() => modelFromJSON(json));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain("Lambda 'py_lambda': function is a Python lambda saved by Keras as bytecode");
      expect(error.message).toContain('Rebuild this layer in code');
      expect(error.message).toContain('customObjects');
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads a named function from Keras 3 (module, registered_name) and Keras 2 (function_type) files through customObjects', () => {
    function double(x: tf.Tensor) {
      return tf.mul(x, 2);
    }
    const file = (config: JsonObject) => ({
      class_name: 'Sequential',
      config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2], name: 'x' } }, { class_name: 'Lambda', config: { name: 'named', ...config } }] },
    });
    const keras3 = file({ function: { module: '__main__', class_name: 'function', config: 'double', registered_name: 'double' }, arguments: {} });
    const keras2 = file({ function: 'double', function_type: 'function', module: '__main__', output_shape: [2], output_shape_type: 'raw', output_shape_module: null, arguments: {} });
    const x = tf.tensor2d([[1, -3]]);
    for (const json of [keras3, keras2]) {
      const m = modelFromJSON(json, { customObjects: { double } });
      const y = m.predict(x) as tf.Tensor;
      expect(numbers(y)).toEqual([2, -6]);
      y.dispose();
      m.dispose();
    }
    x.dispose();
  });

  it('an anonymous function cannot be saved: the message says to name it; nothing is written', async () => {
    const inline = lambda({ function: (x) => tf.neg(x as tf.Tensor), name: 'inline_fn' });
    const anonymous = lambda({ function: [(x: tf.Tensor) => tf.neg(x)][0]!, name: 'anon_fn' });
    for (const [layer, named] of [[inline, " (JavaScript named it 'function' after the argument)"], [anonymous, '']] as const) {
      const inp = input({ shape: [2] });
      const m = model({ inputs: inp, outputs: layer.apply(inp) });
      const target = path.join(dir, `anon-${layer.name}`);
      const before = tf.memory().numTensors;
      const error = await caught(() => m.save(`file://${target}`));
      expect(RidgeError.is(error, 'INVALID_CONFIG')).toBe(true);
      expect((error as RidgeError).message).toContain(`Lambda '${layer.name}' cannot be saved: its function is an anonymous function${named}`);
      expect((error as RidgeError).message).toContain('customObjects: { myFn }');
      expect(tf.memory().numTensors).toBe(before);
      await expect(readdir(target)).rejects.toThrow();
      m.dispose();
    }
  });

  it('arguments that are not JSON are refused when saving, naming the key; the layer computes with them', () => {
    const scale = tf.scalar(3);
    function scaled(x: tf.Tensor, a: { factor: { by: tf.Tensor } }) {
      return tf.mul(x, a.factor.by);
    }
    const layer = lambda({ function: scaled, arguments: { factor: { by: scale } }, name: 'tensor_args' });
    const x = tf.tensor1d([1, 2]);
    const y = layer.apply(x);
    expect(numbers(y)).toEqual([3, 6]);
    const before = tf.memory().numTensors;
    const error = caughtSync(() => layer.getConfig());
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`Lambda 'tensor_args' cannot be saved: arguments["factor"]["by"] is a Tensor of shape []`);
    expect(error.details).toMatchObject({ argument: 'arguments["factor"]["by"]' });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([scale, x, y]);
  });
});

describe('Lambda: bad arguments', () => {
  it('refuses a function that is not one, and bad outputShape and arguments, before anything is created', () => {
    const before = tf.memory().numTensors;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ function: 42 }, 'INVALID_ARGUMENT', "function must be a function; received 42"],
      [{ function: 'double' }, 'UNKNOWN_NAME', "function is the function 'double'"],
      [{ function: scaleShift, outputShape: 'wide' }, 'INVALID_ARGUMENT', 'outputShape must be the output shape without the batch axis'],
      [{ function: scaleShift, arguments: [1, 2] }, 'INVALID_ARGUMENT', 'arguments must be an object of named values'],
    ];
    for (const [args, code, text] of cases) {
      const error = caughtSync(() => new Lambda({ ...(args as object), name: 'refused_lambda' } as never));
      expect(error.code).toBe(code);
      expect(error.message).toContain(`Lambda 'refused_lambda': ${text}`);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a function that returns something else than tensors is refused when called, freeing what it made', () => {
    const layer = lambda({ function: function sizes(x: tf.Tensor) { tf.square(x); return x.shape as unknown as tf.Tensor; }, name: 'not_tensor' });
    const x = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    const error = caughtSync(() => layer.apply(x));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain("Lambda 'not_tensor': function 'sizes' must be a function returning a tf.Tensor or a non-empty list of tf.Tensors; received [2]");
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
