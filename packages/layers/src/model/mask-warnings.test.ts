import { RidgeError } from '@ridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { caughtRidgeError } from '../../test/fixtures.js';
import { useCpu } from '../../test/setup.js';
import { conv1d, dense, embedding, flatten, input, lstm, model, sequential, setMaskWarningHandler, type WarningHandler } from '../index.js';

useCpu();

afterEach(() => {
  setMaskWarningHandler(undefined);
  vi.restoreAllMocks();
});

/** `[batch, 6]` token ids through `embedding({ maskZero: true })`: a symbolic tensor that carries a mask. */
function masked(name: string) {
  return embedding({ inputDim: 10, outputDim: 4, maskZero: true, name }).apply(input({ shape: [6] }));
}

describe("setMaskWarningHandler: where the warning of a layer that drops a mask goes (Keras 3's warnings.warn)", () => {
  it("reaches the user's handler once per layer, naming the layer and the mask's source, and not console.warn", () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const messages: string[] = [];
    expect(setMaskWarningHandler((message) => messages.push(message))).toBeUndefined();
    const a = masked('warn_emb_a');
    const b = masked('warn_emb_b');
    const shared = flatten({ name: 'warn_shared_flat' });
    shared.apply(a);
    shared.apply(b);
    conv1d({ filters: 2, kernelSize: 2, name: 'warn_conv' }).apply(a);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("Flatten 'warn_shared_flat' does not support masking: its input carries a mask (from Embedding 'warn_emb_a')");
    expect(messages[1]).toContain("Conv1D 'warn_conv' does not support masking");
    // A layer inside a model used as a layer: once, however often the model is called.
    const i2 = input({ shape: [6, 4] });
    const inner = model({ inputs: i2, outputs: flatten({ name: 'warn_inner_flat' }).apply(i2) });
    inner.apply(a);
    inner.apply(b);
    expect(messages).toHaveLength(3);
    expect(messages[2]).toContain("Flatten 'warn_inner_flat' does not support masking");
    // A sequential model warns as it builds.
    const s = sequential({ layers: [embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [4] }), flatten({ name: 'warn_seq_flat' })] });
    expect(messages).toHaveLength(4);
    expect(messages[3]).toContain("Flatten 'warn_seq_flat'");
    expect(consoleWarn).not.toHaveBeenCalled();
    s.dispose();
  });

  it('by default (and after undefined) goes to console.warn, once per layer', () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const handler: WarningHandler = () => undefined;
    setMaskWarningHandler(handler);
    // Returns the handler it replaces, to put back.
    expect(setMaskWarningHandler(undefined)).toBe(handler);
    const x = masked('default_emb');
    const layer = flatten({ name: 'default_flat' });
    layer.apply(x);
    layer.apply(x);
    expect(consoleWarn).toHaveBeenCalledTimes(1);
    expect(String(consoleWarn.mock.calls[0]![0])).toContain("Flatten 'default_flat' does not support masking: its input carries a mask (from Embedding 'default_emb')");
  });

  it('no warning from layers that support masking, nor after a layer that ended the mask', () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const handler = vi.fn<WarningHandler>();
    setMaskWarningHandler(handler);
    const x = masked('quiet_emb');
    const seq = lstm({ units: 3, returnSequences: true, name: 'quiet_lstm' }).apply(x);
    const last = lstm({ units: 2, name: 'quiet_lstm_last' }).apply(dense({ units: 3, name: 'quiet_dense' }).apply(seq));
    // The last LSTM ends the mask: Flatten after it has none to drop.
    flatten({ name: 'quiet_flat' }).apply(dense({ units: 2 }).apply(last));
    expect(handler).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it('refuses a handler that is not a function, naming onWarning and the value, and keeps the one in place', () => {
    const messages: string[] = [];
    const handler: WarningHandler = (message) => messages.push(message);
    setMaskWarningHandler(handler);
    const error = caughtRidgeError(() => setMaskWarningHandler('console' as unknown as WarningHandler));
    expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error.message).toContain('onWarning');
    expect(error.message).toContain('"console"');
    expect(error.message).toContain('a function (message: string) => void');
    expect(error.details).toMatchObject({ argument: 'onWarning', received: 'console' });
    flatten({ name: 'kept_flat' }).apply(masked('kept_emb'));
    expect(messages).toHaveLength(1);
    expect(setMaskWarningHandler(undefined)).toBe(handler);
  });
});
