import { sgd } from '@ridge/optimizers';
import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { dense, input, model, type Model } from '../index.js';

useCpu();

function oneInOneOut(name: string): Model {
  const inp = input({ shape: [3], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 2, name: `${name}_out` }).apply(inp) });
  m.compile({ optimizer: sgd(0.1), loss: 'mse' });
  return m;
}

async function refused(m: Model, code: string, call: () => unknown): Promise<RidgeError> {
  const before = tf.memory().numTensors;
  const weights = m.weights.map((w) => numbers(w.variable));
  const error = await caught(call);
  expect(RidgeError.is(error), String(error)).toBe(true);
  expect((error as RidgeError).code).toBe(code);
  expect(tf.memory().numTensors).toBe(before);
  expect(m.weights.map((w) => numbers(w.variable))).toEqual(weights);
  expect(m.optimizer!.iterations).toBe(0);
  return error as RidgeError;
}

describe('messages that say what was wrong', () => {
  it('predict(3): a scalar is not a batch', async () => {
    const m = oneInOneOut('sc');
    const error = await refused(m, 'INVALID_DATA', () => m.predict(3 as never));
    expect(error.message).toContain('x is a scalar (3), not a batch');
    expect(error.message).toContain('wrap it in a batch of one ([[...]])');
    expect(error.message).not.toContain('empty');
    const t = tf.scalar(3);
    const fromTensor = await refused(m, 'INVALID_DATA', () => m.predict(t));
    expect(fromTensor.message).toContain('x is a scalar (a Tensor of shape []), not a batch');
    expect(t.isDisposed).toBe(false);
    t.dispose();
    m.dispose();
  });

  it('an empty batch is still called empty', async () => {
    const m = oneInOneOut('em');
    const none = tf.zeros([0, 3]);
    const error = await refused(m, 'INVALID_DATA', () => m.predict(none));
    expect(error.message).toContain('x is empty (shape [0, 3])');
    none.dispose();
    m.dispose();
  });

  it('predict([t1, t2]) on a one-input model: one input, a list of 2 tensors', async () => {
    const m = oneInOneOut('li');
    const [t1, t2] = [tf.ones([2, 3]), tf.ones([2, 3])];
    const before = tf.memory().numTensors;
    const error = await refused(m, 'INVALID_DATA', () => m.predict([t1, t2] as never));
    expect(error.message).toContain("x is a list of 2 tensors, but the model has one input, 'li_in'");
    expect(error.message).toContain('received [a Tensor of shape [2, 3], a Tensor of shape [2, 3]]');
    expect(error.message).not.toContain('only numbers');
    // y in fit: the output is named
    const fitError = await refused(m, 'INVALID_DATA', () => m.fit(t1, [t1, t2] as never, { verbose: 0 }));
    expect(fitError.message).toContain("y is a list of 2 tensors, but the model has one output, 'li_out'");
    expect(tf.memory().numTensors).toBe(before);
    expect([t1.isDisposed, t2.isDisposed]).toEqual([false, false]);
    tf.dispose([t1, t2]);
    m.dispose();
  });

  it("compile({ lossWeights: { nope: 1 } }) names the model's outputs", async () => {
    const m = oneInOneOut('lw');
    const error = await refused(m, 'INVALID_ARGUMENT', () => m.compile({ optimizer: sgd(0.5), loss: 'mse', lossWeights: { nope: 1 } }));
    expect(error.message).toBe(
      "compile: lossWeights names 'nope', which is not an output of this model; received {\"nope\":1}. The model's output is 'lw_out': " +
        'pass a record by these names (or, for one output, the value itself).',
    );
    expect(error.details).toMatchObject({ argument: 'lossWeights', received: { nope: 1 } });
    // the earlier compile stands
    expect(m.optimizer!.learningRate).toBe(0.1);
    m.dispose();
  });

  it('a record naming an output that does not exist, on a model with two outputs, lists them', async () => {
    const inp = input({ shape: [3], name: 'two_in' });
    const m = model({ inputs: inp, outputs: [dense({ units: 1, name: 'head_a' }).apply(inp), dense({ units: 1, name: 'head_b' }).apply(inp)] });
    m.compile({ optimizer: sgd(0.1), loss: 'mse' });
    const error = await refused(m, 'INVALID_ARGUMENT', () => m.compile({ optimizer: sgd(0.1), loss: 'mse', lossWeights: { head_a: 1, head_c: 2 } }));
    expect(error.message).toContain("compile: lossWeights names 'head_c', which is not an output of this model; received {\"head_a\":1,\"head_c\":2}.");
    expect(error.message).toContain("The model's outputs are 'head_a', 'head_b'");
    m.dispose();
  });
});
