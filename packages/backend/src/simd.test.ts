import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { assemble } from '../../../scripts/assemble-wasm.mjs';
import { initBackend } from './init.js';
import { allowSimd, heapOffset, simdExports, type SimdModule, type WasmBackendInternals } from './simd.js';

// A module of the kind the fused kernels are: it imports the backend's memory and reads a tensor
// in place. sum4(x) adds four floats at byte offset x with one SIMD load.
const WAT = `(module
  (import "env" "memory" (memory 0))
  (func (export "sum4") (param $x i32) (result f32)
    (local $v v128)
    (local.set $v (v128.load (local.get $x)))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v))))))`;

let dir = '';
let SUM4: SimdModule;
type Sum4 = { sum4(x: number): number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridge-simd-'));
  await writeFile(join(dir, 'sum4.wat'), WAT);
  const { bytes, patch } = (await assemble(join(dir, 'sum4.wat'))) as { bytes: Buffer; patch: number[] };
  SUM4 = { wasm: bytes.toString('base64'), sharedMemoryPatch: patch };
});

afterAll(async () => {
  allowSimd(true);
  await rm(dir, { recursive: true, force: true });
  await initBackend({ prefer: 'cpu', log: false });
});

describe('simdExports', () => {
  it('instantiates a module on the wasm backend memory once, and reads tensors in place', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    const x = tf.tensor1d([1.5, 2, -4, 8.25]);
    const simd = simdExports<Sum4>(SUM4)!;
    expect(simd).not.toBeNull();
    expect(simdExports<Sum4>(SUM4)).toBe(simd); // the same instance for the same memory
    expect(simd.sum4(heapOffset(tf.backend() as unknown as WasmBackendInternals, x))).toBe(1.5 + 2 - 4 + 8.25);
    expect(heapOffset(tf.backend() as unknown as WasmBackendInternals, undefined)).toBe(0);
    x.dispose();
  });

  it('is null on other backends, and while turned off', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    expect(allowSimd(false)).toBe(false);
    expect(simdExports(SUM4)).toBeNull();
    expect(allowSimd(true)).toBe(true);
    expect(simdExports(SUM4)).not.toBeNull();
    await initBackend({ prefer: 'cpu', log: false });
    expect(simdExports(SUM4)).toBeNull();
  });

  it("imports a shared memory (the multithreaded build's wasmMemory) through the patched bytes", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    new Float32Array(memory.buffer).set([1, 2, 3, 4.5], 4);
    const simd = simdExports<Sum4>(SUM4, { wasm: { wasmMemory: memory } })!;
    expect(simd).not.toBeNull();
    expect(simd.sum4(16)).toBe(10.5);
  });

  it('is null for a backend without a memory it can find', () => {
    expect(simdExports(SUM4, { wasm: {} })).toBeNull();
    expect(simdExports(SUM4, {})).toBeNull();
  });
});
