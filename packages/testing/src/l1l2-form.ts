import type { Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { ContractError } from './contract-error.js';

/**
 * For a regularizer that declares `asL1L2()`, checks that the declaration is true: on every
 * sample, `apply(x)` equals `l1 * sum(|x|) + l2 * sum(x^2)` computed here from the sample's
 * values (relative tolerance `rtol`, default 1e-5), and both factors are finite and >= 0. A
 * training step uses the declared factors instead of `apply`, so a wrong declaration would train
 * a different penalty than the one `apply` reports. Throws a `ContractError`; does nothing for a
 * regularizer without `asL1L2`. The samples are not disposed.
 */
export function expectL1L2FormMatchesApply(regularizer: Regularizer, samples: Iterable<tf.Tensor>, rtol = 1e-5): void {
  if (typeof regularizer.asL1L2 !== 'function') return;
  const { l1, l2 } = regularizer.asL1L2();
  const name = regularizer.className;
  for (const [k, f] of [['l1', l1], ['l2', l2]] as const) {
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0) {
      throw new ContractError(`${name}.asL1L2() returned ${k} = ${String(f)}; each factor must be a finite number >= 0.`);
    }
  }
  const problems: string[] = [];
  let count = 0;
  for (const sample of samples) {
    const k = count++;
    const xs = Array.from(sample.dataSync());
    const expected = l1 * xs.reduce((s, v) => s + Math.abs(v), 0) + l2 * xs.reduce((s, v) => s + v * v, 0);
    const got = tf.tidy(() => regularizer.apply(sample).dataSync()[0]!);
    if (!(Math.abs(got - expected) <= rtol * Math.max(1, Math.abs(expected)))) {
      problems.push(`sample ${k} (shape [${sample.shape.join(', ')}]): apply gives ${got}, the declared form ${expected}`);
    }
  }
  if (problems.length > 0) {
    throw new ContractError(
      `${name}.asL1L2() declares { l1: ${l1}, l2: ${l2} }, which does not match its apply:\n- ${problems.join('\n- ')}`,
    );
  }
}
