// The main job until the sample app lands (issue 7): start the default backend, register an
// entry through the registry, resolve it back by name, and print what runs.
import { backendInfo, initBackend } from '@ridge/backend';
import { getRegularizer, registry, type Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';

await initBackend();

// A plugin grows the registry's types in the module that registers the name at run time.
declare module '@ridge/core' {
  interface RegularizerRegistry {
    'ridge-sample>SumOfSquares': { factor?: number };
  }
}

class SumOfSquares implements Regularizer {
  readonly className = 'ridge-sample>SumOfSquares';
  constructor(readonly factor = 0.01) {}
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(this.factor, tf.sum(tf.square(x))) as tf.Scalar);
  }
  getConfig() {
    return { factor: this.factor };
  }
}

registry('regularizer').register({
  kind: 'regularizer',
  name: 'ridge-sample>SumOfSquares',
  package: 'ridge-sample',
  create: (config) => new SumOfSquares(typeof config?.['factor'] === 'number' ? config['factor'] : undefined),
});

const penalty = getRegularizer({ className: 'ridge-sample>SumOfSquares', config: { factor: 0.5 } });
const w = tf.tensor1d([1, 2, 3]);
const value = penalty.apply(w);
console.log(`registered regularizers: ${registry('regularizer').list().join(', ')}`);
console.log(`0.5 * (1 + 4 + 9) = ${(await value.data())[0]}`);
console.log('backendInfo():', JSON.stringify(backendInfo(), null, 2));
tf.dispose([w, value]);
