/**
 * tfjs-layers has no `zero_output_for_mask`: its recurrent layers repeat the last output at masked
 * steps (tests/interop/zero-output-for-mask.test.ts shows it). Saving or converting to the
 * 'tfjs-layers' format warns, naming the layers that give zeros there; Ridge's format keeps the key.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bidirectional, dense, embedding, input, lstm, gru, model, sequential, type Model } from '../index.js';
import { useCpu } from '../../test/setup.js';

useCpu();

/** tokens [5] -> Embedding(maskZero?) -> `rnn` -> Dense(1). */
function textModel(rnn: ReturnType<typeof lstm> | ReturnType<typeof bidirectional>, maskZero = true, name = 'text'): Model {
  const inp = input({ shape: [5], dtype: 'int32' });
  const h = rnn.apply(embedding({ inputDim: 8, outputDim: 3, maskZero }).apply(inp));
  return model({ inputs: inp, outputs: dense({ units: 1 }).apply(h), name });
}

function warningsOf(m: Model, format: 'ridge' | 'tfjs-layers'): string[] {
  const warnings: string[] = [];
  m.toJSON({ format, onWarning: (w) => warnings.push(w) });
  return warnings;
}

describe("zero_output_for_mask in the 'tfjs-layers' format", () => {
  it('toJSON and save warn once, naming the layer and what tfjs-layers returns instead; the key is still written', async () => {
    const m = textModel(lstm({ units: 2, returnSequences: true, zeroOutputForMask: true, name: 'zero_lstm' }), true, 'zero_model');
    const fromJson = warningsOf(m, 'tfjs-layers');
    expect(fromJson).toHaveLength(1);
    expect(fromJson[0]).toContain("Model 'zero_model': LSTM 'zero_lstm' gives zeros at masked time steps");
    expect(fromJson[0]).toContain('tfjs-layers ignores the key and will return the last output for masked steps');

    const fromSave: string[] = [];
    let artifacts: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })),
      { format: 'tfjs-layers', onWarning: (w) => fromSave.push(w) },
    );
    expect(fromSave).toEqual(fromJson);
    const layers = ((artifacts!.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers);
    expect(layers.find((l) => l.config['name'] === 'zero_lstm')!.config['zero_output_for_mask']).toBe(true);
    m.dispose();
  });

  it("Ridge's own format, and layers that repeat the last output (the default), give no warning", () => {
    const zeroing = textModel(lstm({ units: 2, zeroOutputForMask: true }));
    expect(warningsOf(zeroing, 'ridge')).toEqual([]);
    zeroing.dispose();
    const repeating = textModel(lstm({ units: 2, returnSequences: true }));
    expect(warningsOf(repeating, 'tfjs-layers')).toEqual([]);
    repeating.dispose();
  });

  it('names every zeroing layer in one warning, in nested models too', () => {
    // resetAfter: false, the GRU tfjs-layers has (Keras 3's default gets a warning of its own).
    const inner = sequential({ layers: [gru({ units: 2, returnSequences: true, resetAfter: false, zeroOutputForMask: true, name: 'inner_gru', inputShape: [5, 3] })], name: 'inner' });
    const inp = input({ shape: [5], dtype: 'int32' });
    const e = embedding({ inputDim: 8, outputDim: 3, maskZero: true }).apply(inp);
    const h = lstm({ units: 2, zeroOutputForMask: true, name: 'outer_lstm' }).apply(inner.apply(e));
    const m = model({ inputs: inp, outputs: h, name: 'outer' });
    const warnings = warningsOf(m, 'tfjs-layers');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("GRU 'inner_gru', LSTM 'outer_lstm' give zeros");
    m.dispose();
  });

  it('a Bidirectional returning sequences zeroes masked steps (as Keras 3): a warning when its input is masked, none when not', () => {
    const masked = textModel(bidirectional({ layer: lstm({ units: 2, returnSequences: true }), name: 'bi_masked' }), true);
    expect(warningsOf(masked, 'tfjs-layers')[0]).toContain("Bidirectional 'bi_masked' gives zeros");
    masked.dispose();
    const unmasked = textModel(bidirectional({ layer: lstm({ units: 2, returnSequences: true }), name: 'bi_unmasked' }), false);
    expect(warningsOf(unmasked, 'tfjs-layers')).toEqual([]);
    unmasked.dispose();
    const last = textModel(bidirectional({ layer: lstm({ units: 2 }), name: 'bi_last' }), true);
    expect(warningsOf(last, 'tfjs-layers')).toEqual([]);
    last.dispose();
  });
});
