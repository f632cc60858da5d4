import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ES module script without types (scripts/assemble-wasm.mjs)
import { assemble, render } from '../../../../scripts/assemble-wasm.mjs';
import { L1L2_SIMD } from './l1l2-simd.js';

const WAT = fileURLToPath(new URL('./l1l2-simd.wat', import.meta.url));
const { wasm: L1L2_SIMD_WASM, sharedMemoryPatch: SHARED_MEMORY_PATCH } = L1L2_SIMD;

describe('the SIMD module', () => {
  it('holds the bytes that l1l2-simd.wat assembles to (run node scripts/assemble-wasm.mjs packages/layers/src/engine/l1l2-simd.wat after editing it)', async () => {
    const assembled = (await assemble(WAT)) as { bytes: Buffer; shared: Buffer; patch: number[] };
    const text = render(WAT, assembled) as string;
    expect(text.includes(`'${L1L2_SIMD_WASM}'`)).toBe(true);
    expect(text.includes(`[${SHARED_MEMORY_PATCH.join(', ')}]`)).toBe(true);
    expect(WebAssembly.validate(Uint8Array.from(assembled.bytes))).toBe(true);
    // The patch turns the module into the shared-memory one, byte for byte.
    const [at, removed, ...inserted] = SHARED_MEMORY_PATCH as number[];
    const bytes = Uint8Array.from(atob(L1L2_SIMD_WASM), (c) => c.charCodeAt(0));
    const patched = [...bytes.subarray(0, at), ...inserted, ...bytes.subarray(at! + removed!)];
    expect(patched).toEqual([...assembled.shared]);
  });

  it.each([
    ['a memory of its own', false],
    ['a shared memory (the multithreaded build), through the patched import', true],
  ] as const)('computes the sums and the gradient on %s, remainders and signs included', (_, shared) => {
    const memory = shared ? new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }) : new WebAssembly.Memory({ initial: 1 });
    let bytes = Uint8Array.from(atob(L1L2_SIMD_WASM), (c) => c.charCodeAt(0));
    if (shared) {
      const [at, removed, ...inserted] = SHARED_MEMORY_PATCH as number[];
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...inserted, ...bytes.subarray(at! + removed!)]);
    }
    const { pass, abs } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as {
      pass(x: number, g: number, out: number, n: number, a: number, b: number, flags: number): number;
      abs: WebAssembly.Global;
    };
    const n = 19; // two steps of eight, then three one at a time
    const xs = [0, -1.5, 2, -0.25, 3, 0, -4, 0.5, -2, 1, 0, 0.125, -3, 5, -0.5, 0, 2.5, -1, 0.75];
    const gs = xs.map((_, i) => i / 10 - 0.3);
    const heap = new Float32Array(memory.buffer);
    // x at byte 64, g at 256, out at 512 (arbitrary, 16-byte aligned as tfjs-backend-wasm's allocations).
    heap.set(xs, 16);
    heap.set(gs, 64);
    heap.fill(99, 128, 128 + n + 4); // out, and four past its end, which must stay untouched
    const a = 0.5;
    const b = -0.25;
    const squares = pass(64, 256, 512, n, a, b, 3);
    const f32 = (v: number) => Math.fround(v);
    expect(squares).toBe(xs.reduce((s, v) => s + v * v, 0));
    expect(abs.value).toBe(xs.reduce((s, v) => s + Math.abs(v), 0));
    xs.forEach((v, i) => expect(heap[128 + i], `out[${i}]`).toBeCloseTo(f32(gs[i]!) + a * Math.sign(v) + b * v, 6));
    expect(Array.from(heap.subarray(128 + n, 128 + n + 4))).toEqual([99, 99, 99, 99]);
    // Without the gradient nothing is written; without the L1 part there is no sign term.
    heap.fill(7, 128, 128 + n);
    expect(pass(64, 0, 0, n, 0, 0, 2)).toBe(squares);
    expect(abs.value).toBe(xs.reduce((s, v) => s + Math.abs(v), 0));
    expect(Array.from(heap.subarray(128, 128 + n))).toEqual(new Array(n).fill(7));
    pass(64, 256, 512, n, 0.5, 2, 1);
    xs.forEach((v, i) => expect(heap[128 + i], `out[${i}] without L1`).toBeCloseTo(f32(gs[i]!) + 2 * v, 6));
  });
});
