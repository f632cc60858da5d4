import type { Configurable, Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { ContractError } from './contract-error.js';
import { expectGradientMatchesFiniteDifference, type GradientCheckOptions } from './gradient.js';
import { expectL1L2FormMatchesApply } from './l1l2-form.js';
import { expectNoTensorLeak } from './no-leak.js';
import { expectNonNegative } from './non-negative.js';
import { expectResolvable } from './resolvable.js';
import { expectConfigRoundTrip } from './round-trip.js';

export interface RegularizerContractOptions {
  /**
   * Registered names that must build this regularizer's class, by name and as
   * `{ className, config }` (its `'package>Name'` class name is always checked).
   */
  readonly names?: readonly string[];
  /**
   * Inputs for the gradient, non-negativity and leak checks; they are not disposed. Default: the
   * {@link defaultSamples}.
   */
  readonly samples?: readonly tf.Tensor[];
  /** Tolerances of the finite-difference check. */
  readonly gradient?: GradientCheckOptions;
}

export interface RegularizerContractReport {
  readonly className: string;
  /** The checks that ran, all passed. */
  readonly checks: readonly string[];
}

/**
 * Two fixed matrices, `[4, 3]` and `[2, 5]`, with entries of magnitude 0.1 to 2 and of both
 * signs: no zero entry (the kink of L1-like penalties), and no two rows or columns parallel or
 * orthogonal (|cosine| between 0.05 and 0.92: the kinks of orthogonality penalties). Matrices,
 * because some penalties take nothing else.
 */
export const DEFAULT_SAMPLES: readonly (readonly number[][])[] = [
  [
    [0.7, -1.3, 0.4],
    [-0.2, 1.8, -0.9],
    [1.1, 0.3, -1.6],
    [-0.5, -0.8, 0.6],
  ],
  [
    [1.18, -0.63, 0.21, -0.52, 1.17],
    [0.21, -0.65, 1.49, 0.97, -0.57],
  ],
];

/** The default samples as tensors; the caller disposes them. */
export function defaultSamples(): tf.Tensor[] {
  return DEFAULT_SAMPLES.map((m) => tf.tensor2d(m.map((row) => [...row]), undefined, 'float32'));
}

/**
 * Runs every check of the Regularizer contract on objects built by `factory` (called once per
 * check, so a check cannot see another's state), and throws one `ContractError` that lists every
 * failing check. The checks: config round trip; resolution by each name and by
 * `{ className, config }`; the analytic gradient and autodiff against finite differences on each
 * sample; a finite, non-negative scalar on each sample; and no tensor left behind by `apply`,
 * `gradient` or `tf.grad` of `apply`. Works in any test runner:
 *
 * ```ts
 * await runRegularizerContract(() => new GroupLasso({ factor: 0.1 }), { names: ['groupLasso'] });
 * ```
 */
export async function runRegularizerContract(
  factory: () => Regularizer,
  options: RegularizerContractOptions = {},
): Promise<RegularizerContractReport> {
  const own = options.samples === undefined ? defaultSamples() : [];
  const samples = options.samples ?? own;
  const passed: string[] = [];
  const failed: string[] = [];
  let className = '(unknown)';

  async function check(name: string, run: (r: Regularizer) => unknown): Promise<void> {
    try {
      const r = factory();
      className = r.className;
      await run(r);
      passed.push(name);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const kind = error instanceof ContractError ? '' : `threw ${error instanceof Error ? error.name : 'a non-error'}: `;
      failed.push(`${name}: ${kind}${message}`);
    }
  }

  try {
    await check('config round trip', (r) => expectConfigRoundTrip(r as Configurable, 'regularizer'));
    const first = safe(factory);
    const names = [...new Set([...(first ? [first.className] : []), ...(options.names ?? [])])];
    for (const name of names) {
      await check(`resolves as '${name}'`, (r) =>
        expectResolvable('regularizer', name, { className: r.className, config: r.getConfig() }),
      );
    }
    for (const [k, x] of samples.entries()) {
      await check(`gradient on sample ${k}`, (r) => expectGradientMatchesFiniteDifference(r, x, options.gradient));
    }
    await check('non-negative', (r) => expectNonNegative(r, samples));
    if (typeof first?.asL1L2 === 'function') await check('asL1L2 matches apply', (r) => expectL1L2FormMatchesApply(r, samples));
    for (const [k, x] of samples.entries()) {
      await check(`no tensor leak on sample ${k}`, async (r) => {
        await expectNoTensorLeak(`${r.className}.apply`, () => r.apply(x));
        if (typeof r.gradient === 'function') await expectNoTensorLeak(`${r.className}.gradient`, () => r.gradient!(x));
        await expectNoTensorLeak(`tf.grad of ${r.className}.apply`, () => tf.grad((t: tf.Tensor) => r.apply(t))(x));
      });
    }
  } finally {
    tf.dispose(own);
  }

  if (failed.length > 0) {
    throw new ContractError(
      `${className} breaks the Regularizer contract (${failed.length} of ${failed.length + passed.length} checks failed):\n` +
        failed.map((f) => `* ${f}`).join('\n'),
    );
  }
  return { className, checks: passed };
}

function safe(factory: () => Regularizer): Regularizer | undefined {
  try {
    return factory();
  } catch {
    return undefined;
  }
}
