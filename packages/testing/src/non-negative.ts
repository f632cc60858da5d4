import type { Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { ContractError } from './contract-error.js';

/**
 * Checks that `regularizer.apply` returns a scalar that is finite and >= 0 for every sample: a
 * penalty is added to the loss, and a negative one would reward the weights it should punish.
 * Throws a `ContractError` listing each failing sample. The samples are not disposed.
 */
export function expectNonNegative(regularizer: Regularizer, samples: Iterable<tf.Tensor>): void {
  const problems: string[] = [];
  let count = 0;
  for (const sample of samples) {
    const k = count++;
    const where = `sample ${k} (shape [${sample.shape.join(', ')}])`;
    const result = tf.tidy(() => {
      const p = regularizer.apply(sample);
      return { rank: p.rank, shape: p.shape, value: p.size > 0 ? p.dataSync()[0]! : Number.NaN };
    });
    if (result.rank !== 0) problems.push(`${where}: apply returned a tensor of shape [${result.shape.join(', ')}], not a scalar`);
    else if (!Number.isFinite(result.value)) problems.push(`${where}: the penalty is ${result.value}`);
    else if (result.value < 0) problems.push(`${where}: the penalty is ${result.value} < 0`);
  }
  if (count === 0) throw new ContractError(`expectNonNegative(${regularizer.className}): no samples were given.`);
  if (problems.length > 0) {
    throw new ContractError(`${regularizer.className} is not a finite non-negative penalty:\n- ${problems.join('\n- ')}`);
  }
}
