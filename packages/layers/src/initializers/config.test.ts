import { getInitializer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import '../register.js';

describe('initializer configs', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', log: false });
  });

  it('an unknown key is INVALID_CONFIG naming the class and the key, with the closest known key', () => {
    expect(() => getInitializer({ className: 'GlorotUniform', config: { sed: 1 } } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/GlorotUniform: unknown config key "sed" \(set to 1\)\. Did you mean 'seed'\?/) }),
    );
    expect(() => getInitializer({ className: 'Zeros', config: { value: 1 } } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('Zeros: unknown config key "value"') }),
    );
  });

  it("Keras 3's class names OrthogonalInitializer and IdentityInitializer load as Orthogonal and Identity", () => {
    // Keras 3 serializes `__class__.__name__`: keras/src/initializers/random_initializers.py
    // (OrthogonalInitializer) and constant_initializers.py (IdentityInitializer).
    const identity = getInitializer({ className: 'IdentityInitializer', config: { gain: 2 } } as never);
    expect(identity.className).toBe('Identity');
    const before = tf.memory().numTensors;
    const eye = identity.apply([2, 3]);
    // gain * the 2x3 identity, written out.
    expect(Array.from(eye.dataSync())).toEqual([2, 0, 0, 0, 2, 0]);
    eye.dispose();
    const orthogonal = getInitializer({ className: 'OrthogonalInitializer', config: { gain: 1, seed: 3 } } as never);
    expect(orthogonal.className).toBe('Orthogonal');
    const q = orthogonal.apply([3, 3]);
    // Orthogonal: q^T q is the identity.
    const qtq = tf.matMul(q, q, true, false);
    const expected = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    Array.from(qtq.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    tf.dispose([q, qtq]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
