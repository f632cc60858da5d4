import { checkNumber, type Initializer, type JsonObject } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { readConfig } from './config.js';

export class Zeros implements Initializer {
  readonly className = 'Zeros';
  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.zeros([...shape], dtype);
  }
  getConfig(): JsonObject {
    return {};
  }
}

export class Ones implements Initializer {
  readonly className = 'Ones';
  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.ones([...shape], dtype);
  }
  getConfig(): JsonObject {
    return {};
  }
}

export class Constant implements Initializer {
  readonly className = 'Constant';
  declare readonly value: number;
  constructor(config: { value?: number } = {}) {
    this.value = checkNumber('value', readConfig('Constant', config as JsonObject, ['value'])['value'] ?? 0);
  }
  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.fill([...shape], this.value, dtype);
  }
  getConfig(): JsonObject {
    return { value: this.value };
  }
}
