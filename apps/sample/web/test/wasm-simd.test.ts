// The wasm SIMD penalty pass of @ridge/layers (packages/layers/src/engine/l1l2-simd.wat) in
// Chromium: Node's tests cover it on Node's wasm engine (single-threaded only: the multithreaded
// build does not start in Node); this checks that a browser page, which loads tfjs-backend-wasm's
// browser builds, runs it on both (not the generic ops) and gets the formula's value and gradient;
// and the same for the optimizers' SIMD updates of @ridge/optimizers (their results are the ops',
// bit for bit).
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { launchChromium, serveDirectory } from './browser.js';

// Cross-origin isolation (these two headers) gives the page SharedArrayBuffer, and tfjs-backend-wasm
// then runs its multithreaded build, whose memory is shared: the SIMD module imports it through its
// shared-memory variant.
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

it.each([
  ['the single-threaded build', false],
  ['the multithreaded build (a cross-origin isolated page)', true],
])('runs the SIMD penalty pass in Chromium on %s, on a 784x250 weight, matching the formula', async (_, isolated) => {
  const browser = await launchChromium();
  const dir = await mkdtemp(join(tmpdir(), 'ridge-wasm-simd-'));
  const server = await serveDirectory(dir, isolated ? ISOLATED : {});
  try {
    await build({
      entryPoints: [fileURLToPath(new URL('./wasm-simd.page.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: join(dir, 'page.js'),
      logLevel: 'error',
    });
    const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
    for (const f of await readdir(wasmDist)) if (f.endsWith('.wasm')) await copyFile(join(wasmDist, f), join(dir, f));
    await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="page.js"></script>');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    // Fails fast with the page's error, if it throws, instead of waiting for a title that never comes.
    await Promise.race([
      page.waitForFunction(() => document.title.startsWith('{'), null, { timeout: 60_000 }),
      new Promise((_, reject) => page.on('pageerror', (e) => reject(e))),
    ]);
    const r = JSON.parse(await page.title()) as {
      simd: boolean;
      penaltyKernels: number;
      sharedMemory: boolean;
      value: number;
      wantValue: number;
      maxGradientError: number;
      leaked: number;
      crossOriginIsolated: boolean;
      optimizers: Record<string, { same: boolean; kernels: [number, number] }>;
    };
    expect(errors).toEqual([]);
    expect(r.crossOriginIsolated).toBe(isolated);
    expect(r.sharedMemory).toBe(isolated);
    expect(r.simd).toBe(true);
    expect(r.penaltyKernels).toBe(1);
    // float32 sums within blocks of 256, float64 across: far inside 1e-6 relative on 196k entries.
    expect(Math.abs(r.value - r.wantValue) / r.wantValue).toBeLessThan(1e-6);
    // Each gradient entry is about 1 in size; float32 keeps 7 digits.
    expect(r.maxGradientError).toBeLessThan(1e-6);
    expect(r.leaked).toBe(0);
    // The optimizers' SIMD updates: one kernel a step instead of the ops' (at least as many as
    // listed), the same weights bit for bit.
    const opsKernels = { adam: 12, sgdMomentum: 4, sgdNesterov: 6, adagrad: 7, rmsprop: 9, rmspropCenteredMomentum: 16 };
    expect(Object.keys(r.optimizers)).toEqual(Object.keys(opsKernels));
    for (const [name, least] of Object.entries(opsKernels)) {
      expect(r.optimizers[name], name).toEqual({ same: true, kernels: [1, expect.any(Number)] });
      expect(r.optimizers[name]!.kernels[1], name).toBeGreaterThanOrEqual(least);
    }
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
