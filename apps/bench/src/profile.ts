import * as tf from '@tensorflow/tfjs-core';
import type { CaseId } from './cases.js';
import type { Contender, Library } from './run.js';

export interface KernelStat {
  readonly name: string;
  readonly callsPerStep: number;
  readonly msPerStep: number;
}

/** Where one training step's time goes, averaged over the steps of one epoch. */
export interface StepProfile {
  readonly library: Library;
  readonly caseId: CaseId;
  readonly steps: number;
  /** Wall time of an uninstrumented epoch, per step: the wrappers' own cost is the difference. */
  readonly plainWallMsPerStep: number;
  readonly wallMsPerStep: number;
  /** Kernels the step dispatches through the engine (outermost calls only). */
  readonly kernelsPerStep: number;
  /** Time inside those kernels; the rest of the wall time is JavaScript around them. */
  readonly kernelMsPerStep: number;
  /** `dataSync`/`data` calls (the engine's `readSync`/`read`; kernels' internal reads are not counted). */
  readonly readbacksPerStep: number;
  readonly phases: {
    /** The function given to `engine.gradients`: forward pass, losses, taped penalties. */
    readonly forwardMs: number;
    /** The rest of `engine.gradients`: backpropagation. */
    readonly backwardMs: number;
    /** `optimizer.applyGradients`. */
    readonly optimizerMs: number;
    /** Reads of tensor values into JavaScript. */
    readonly readbackMs: number;
    /** Everything else: batch slicing, metrics, analytic penalty gradients, logs, the fit loop. */
    readonly otherMs: number;
  };
  /** The most expensive kernels, by time per step. */
  readonly kernels: readonly KernelStat[];
}

type Patched = { target: object; key: string; had: boolean; value: unknown };

/** Replaces a method on one object (not its class), for the duration of a profile. */
function patch<T extends object>(target: T, key: string, wrap: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown, undo: Patched[]): void {
  const record = target as Record<string, unknown>;
  const had = Object.prototype.hasOwnProperty.call(target, key);
  const value = record[key];
  const original = (value as (...args: unknown[]) => unknown).bind(target);
  undo.push({ target, key, had, value });
  record[key] = wrap(original);
}

function restore(undo: Patched[]): void {
  for (const p of undo.reverse()) {
    const record = p.target as Record<string, unknown>;
    if (p.had) record[p.key] = p.value;
    else delete record[p.key];
  }
}

/**
 * Profiles one epoch of `contender` (after its warm-up) by wrapping, on their instances only,
 * the engine's `runKernel`, `gradients`, `readSync` and `read`, and the optimizer's
 * `applyGradients`. Both libraries go through these same entry points.
 */
export async function profileEpoch(contender: Contender, optimizer: object, steps: number): Promise<StepProfile> {
  const engine = tf.engine() as unknown as object;
  const plain0 = performance.now();
  await contender.fitEpoch();
  const plainMs = performance.now() - plain0;
  const kernels = new Map<string, { calls: number; ms: number }>();
  let depth = 0;
  let kernelMs = 0;
  let kernelCalls = 0;
  let forwardMs = 0;
  let gradientsMs = 0;
  let optimizerMs = 0;
  let readbackMs = 0;
  let readbacks = 0;
  const undo: Patched[] = [];
  patch(engine, 'runKernel', (run) => (...args) => {
    if (depth > 0) return run(...args);
    depth++;
    const t0 = performance.now();
    try {
      return run(...args);
    } finally {
      const ms = performance.now() - t0;
      depth--;
      const name = String(args[0]);
      const k = kernels.get(name) ?? { calls: 0, ms: 0 };
      k.calls++;
      k.ms += ms;
      kernels.set(name, k);
      kernelCalls++;
      kernelMs += ms;
    }
  }, undo);
  patch(engine, 'gradients', (gradients) => (f, ...rest) => {
    const forward = (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return (f as (...a: unknown[]) => unknown)(...a);
      } finally {
        forwardMs += performance.now() - t0;
      }
    };
    const t0 = performance.now();
    try {
      return gradients(forward, ...rest);
    } finally {
      gradientsMs += performance.now() - t0;
    }
  }, undo);
  patch(optimizer, 'applyGradients', (apply) => (...args) => {
    const t0 = performance.now();
    try {
      return apply(...args);
    } finally {
      optimizerMs += performance.now() - t0;
    }
  }, undo);
  for (const key of ['readSync', 'read']) {
    patch(engine, key, (read) => (...args) => {
      readbacks++;
      const t0 = performance.now();
      const out = read(...args);
      if (out instanceof Promise) return out.finally(() => (readbackMs += performance.now() - t0));
      readbackMs += performance.now() - t0;
      return out;
    }, undo);
  }
  let wallMs: number;
  try {
    const t0 = performance.now();
    await contender.fitEpoch();
    wallMs = performance.now() - t0;
  } finally {
    restore(undo);
  }
  const per = (v: number) => v / steps;
  return {
    library: contender.library,
    caseId: contender.caseId,
    steps,
    plainWallMsPerStep: per(plainMs),
    wallMsPerStep: per(wallMs),
    kernelsPerStep: per(kernelCalls),
    kernelMsPerStep: per(kernelMs),
    readbacksPerStep: per(readbacks),
    phases: {
      forwardMs: per(forwardMs),
      backwardMs: per(gradientsMs - forwardMs),
      optimizerMs: per(optimizerMs),
      readbackMs: per(readbackMs),
      otherMs: per(wallMs - gradientsMs - optimizerMs - readbackMs),
    },
    kernels: [...kernels.entries()]
      .map(([name, k]) => ({ name, callsPerStep: per(k.calls), msPerStep: per(k.ms) }))
      .sort((a, b) => b.msPerStep - a.msPerStep),
  };
}

export interface OpProbe {
  readonly name: string;
  readonly ms: number;
}

function timeOp(name: string, f: () => tf.Tensor, reps: number): OpProbe {
  for (let i = 0; i < 2; i++) tf.tidy(f).dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(f).dispose();
  return { name, ms: (performance.now() - t0) / reps };
}

/**
 * The seed model's backward products with transpose flags (what tfjs-core's MatMul gradient
 * does) and with an explicit transpose first; and the cost of reading a fresh tensor back.
 */
export function probeSeedOps(reps: number): { ops: OpProbe[]; readbackUsPerElement: number } {
  const x = tf.randomUniform([64, 784], -1, 1, 'float32', 3);
  const w = tf.randomUniform([784, 250], -1, 1, 'float32', 4);
  const g = tf.randomUniform([64, 250], -1, 1, 'float32', 5);
  try {
    const ops = [
      timeOp('forward x W [64,784]x[784,250]', () => tf.matMul(x, w), reps),
      timeOp('dW: matMul(x, dy, transposeA) [784,64]x[64,250]', () => tf.matMul(x, g, true, false), reps),
      timeOp('dW: matMul(transpose(x), dy)', () => tf.matMul(tf.transpose(x), g), reps),
      timeOp('dx: matMul(dy, W, false, transposeB) [64,250]x[250,784]', () => tf.matMul(g, w, false, true), reps),
      timeOp('dx: matMul(dy, transpose(W))', () => tf.matMul(g, tf.transpose(w)), reps),
      timeOp('transpose(W) [784,250]', () => tf.transpose(w), reps),
      timeOp('fresh W: add(W, 1) [784,250]', () => tf.add(w, 1), reps),
    ];
    const fresh = timeOp('fresh W then dataSync', () => {
      const t = tf.add(w, 1);
      t.dataSync();
      return t;
    }, reps);
    ops.push(fresh);
    const readbackUsPerElement = ((fresh.ms - ops[ops.length - 2]!.ms) * 1000) / w.size;
    return { ops, readbackUsPerElement };
  } finally {
    tf.dispose([x, w, g]);
  }
}
