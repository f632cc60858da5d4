import * as tf from '@tensorflow/tfjs-core';

/**
 * How many kernels the tfjs engine dispatches while `fn` runs (outermost calls only: a kernel
 * that an op runs inside another, as a gradient does, counts once). For checking that a fused
 * path really is one kernel, or that a change does not add any; the engine is restored even
 * when `fn` throws. Synchronous functions only: an `await` would count other work's kernels too.
 */
export function countKernels(fn: () => void): number {
  const engine = tf.engine() as unknown as { runKernel: (...args: unknown[]) => unknown };
  const run = engine.runKernel;
  let count = 0;
  let depth = 0;
  engine.runKernel = (...args: unknown[]) => {
    if (depth === 0) count++;
    depth++;
    try {
      return run.apply(engine, args);
    } finally {
      depth--;
    }
  };
  try {
    fn();
  } finally {
    engine.runKernel = run;
  }
  return count;
}
