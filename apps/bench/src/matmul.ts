import * as tf from '@tensorflow/tfjs-core';

export interface MatmulProbe {
  /** `[m, k, n]`: an `[m, k] x [k, n]` product. */
  readonly shape: readonly [number, number, number];
  readonly reps: number;
  readonly msPerOp: number;
  readonly gflops: number;
  /** By this process's CPU time: what the backend does with the time it gets on a shared machine. */
  readonly cpuGflops: number;
}

export interface MatmulReport {
  /** The backend's matmul throughput on a square 512 product: the reference for "% of matmul". */
  readonly square512: MatmulProbe;
  /** The seed model's forward product, batch 64: what its training can reach at best. */
  readonly seedForward: MatmulProbe;
}

/**
 * Times products of two fixed random matrices until `budgetMs` has passed (at least 3). The wasm
 * and cpu backends compute when the op is called, so no read-back is needed (reading back would
 * add its own cost per element).
 */
export function probeMatmul(m: number, k: number, n: number, budgetMs: number): MatmulProbe {
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
  try {
    for (let i = 0; i < 2; i++) tf.matMul(a, b).dispose();
    let reps = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let elapsed = 0;
    while (reps < 3 || elapsed < budgetMs) {
      tf.matMul(a, b).dispose();
      reps++;
      elapsed = performance.now() - t0;
    }
    const cpu = process.cpuUsage(cpu0);
    const flops = 2 * m * k * n * reps;
    return { shape: [m, k, n], reps, msPerOp: elapsed / reps, gflops: flops / elapsed / 1e6, cpuGflops: flops / ((cpu.user + cpu.system) / 1000) / 1e6 };
  } finally {
    tf.dispose([a, b]);
  }
}

export function measureMatmul(budgetMs: number): MatmulReport {
  return { square512: probeMatmul(512, 512, 512, budgetMs), seedForward: probeMatmul(64, 784, 250, budgetMs) };
}

/** The faster of two measurements of each product: the backend's peak, less disturbed by load. */
export function bestMatmul(a: MatmulReport, b: MatmulReport): MatmulReport {
  const best = (x: MatmulProbe, y: MatmulProbe) => (y.cpuGflops > x.cpuGflops ? y : x);
  return { square512: best(a.square512, b.square512), seedForward: best(a.seedForward, b.seedForward) };
}

/** FLOPs per second a training run reaches: a sample costs 3 times its forward FLOPs (forward, and two products per layer backward). */
export function trainingGflops(samplesPerSec: number, forwardFlops: number): number {
  return (samplesPerSec * 3 * forwardFlops) / 1e9;
}
