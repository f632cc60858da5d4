import { l1, l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCpu } from '../../test/setup.js';
import { dense, input, model } from '../index.js';

useCpu();

afterEach(() => {
  vi.restoreAllMocks();
});

function small(prefix: string) {
  const inp = input({ shape: [3] });
  const a = dense({ units: 4, name: `${prefix}_a`, kernelRegularizer: l1(0.01), activityRegularizer: l2(0.01) });
  const b = dense({ units: 2, name: `${prefix}_b` });
  const m = model({ inputs: inp, outputs: b.apply(a.apply(inp)) });
  return { m, a, b };
}

describe('summary', () => {
  it("shows each layer's regularizers, and the model-level ones marked [model]", () => {
    const { m } = small('sum');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: 'all' } });
    const lines: string[] = [];
    const text = m.summary((l) => lines.push(l));
    expect(lines.join('\n')).toBe(text);
    const rowA = lines.find((l) => l.startsWith('sum_a (Dense)'))!;
    expect(rowA).toContain('kernel: L1(0.01)');
    expect(rowA).toContain('bias: L2(0.01) [model]');
    expect(rowA).toContain('activity: L2(0.01)');
    expect(rowA).toContain(String(3 * 4 + 4));
    const rowB = lines.find((l) => l.startsWith('sum_b (Dense)'))!;
    expect(rowB).toContain('kernel: L2(0.01) [model]');
    expect(text).toContain(`Total params: ${3 * 4 + 4 + 4 * 2 + 2}`);
    m.dispose();
  });

  it('prints with console.log by default, and nothing with false; both return the table', () => {
    const { m } = small('sumlog');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const text = m.summary();
    expect(log.mock.calls.map((c) => c[0])).toEqual(text.split('\n'));
    log.mockClear();
    expect(m.summary(false)).toBe(text);
    expect(log).not.toHaveBeenCalled();
    m.dispose();
  });
});

describe('custom penalties (addLoss)', () => {
  it('appear as their own term, in penalties() and in the logs', async () => {
    const { m, b } = small('custom');
    b.addLoss(() => tf.mul(0.5, tf.sum(tf.abs(b.kernel.read()))) as tf.Scalar, 'kernel_l1_by_hand');
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const k = Array.from(b.kernel.read().dataSync());
    const expected = 0.5 * k.reduce((s, v) => s + Math.abs(v), 0);
    const term = m.penalties().terms.find((t) => t.kind === 'custom')!;
    expect(term.path).toBe('custom_b/kernel_l1_by_hand');
    expect(term.value).toBeCloseTo(expected, 5);
    const logs = await m.evaluate(tf.ones([2, 3]), tf.zeros([2, 2]));
    expect(logs['penalty/custom_b/kernel_l1_by_hand']).toBeCloseTo(expected, 5);
    m.dispose();
  });
});

describe('progress output', () => {
  it('verbose 1 in a terminal draws a bar with rate, ETA and the losses', async () => {
    const { m } = small('bar');
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const out: string[] = [];
    const stdout = process.stdout as unknown as { isTTY?: boolean };
    const wasTTY = stdout.isTTY;
    stdout.isTTY = true;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    // performance.now advances 200 ms a call, so every batch is due for a redraw
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 200));
    try {
      await m.fit(tf.ones([6, 3]), tf.zeros([6, 2]), { epochs: 2, batchSize: 2, verbose: 1 });
    } finally {
      stdout.isTTY = wasTTY;
    }
    const text = out.join('');
    expect(text).toContain('Epoch 1/2');
    expect(text).toContain('Epoch 2/2');
    expect(text).toMatch(/1\/3 \[=*>\.*\] [\d.]+k? samples\/s ETA [\d.]+m?\d*s - loss: /);
    expect(text).toMatch(/3\/3 .* - loss: [\d.]+ - data_loss: [\d.]+ - penalty: [\d.]+/);
    // the bar shows totals, not every penalty term
    expect(text).not.toContain('penalty/');
    m.dispose();
  });

  it('verbose 2 prints one line per epoch; verbose 0 prints nothing', async () => {
    const { m } = small('lines');
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    await m.fit(tf.ones([4, 3]), tf.zeros([4, 2]), { epochs: 3, verbose: 2 });
    expect(out.filter((l) => l.startsWith('Epoch '))).toHaveLength(3);
    out.length = 0;
    await m.fit(tf.ones([4, 3]), tf.zeros([4, 2]), { epochs: 3, verbose: 0 });
    expect(out).toEqual([]);
    m.dispose();
  });
});
