/**
 * The 'tfjs-layers' format's view of tfjs-layers 4.22: which classes it has (tests/interop/
 * tfjs-layers-classes.test.ts holds the list to tfjs-layers' own registry and loads every model
 * there), which values it spells otherwise, and what it reads otherwise. Here: the warnings as
 * `toJSON` gives them, and Ridge reading tfjs-layers' spelling back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bidirectional, categoryEncoding, dense, gru, input, lstm, model, modelFromJSON, reshape, sequential, spatialDropout2d, timeDistributed, upSampling2d } from '../index.js';
import { useCpu } from '../../test/setup.js';
import { TFJS_LAYERS_CLASSES, ridgeLayerConfig, tfjsLayerConfig, tfjsSupport } from './tfjs-layer-config.js';

useCpu();

function warningsOf(m: { toJSON(o: object): unknown }, format: 'ridge' | 'tfjs-layers' = 'tfjs-layers'): string[] {
  const warnings: string[] = [];
  m.toJSON({ format, onWarning: (w: string) => warnings.push(w) });
  return warnings;
}

describe("tfjs-layers' spelling of CategoryEncoding's outputMode", () => {
  it('is written for tfjs-layers and read back; other classes and keys are left alone', () => {
    for (const [ridge, tfjs] of [['multi_hot', 'multiHot'], ['one_hot', 'oneHot'], ['count', 'count']]) {
      expect(tfjsLayerConfig('CategoryEncoding', { numTokens: 3, outputMode: ridge! })).toEqual({ numTokens: 3, outputMode: tfjs });
      expect(ridgeLayerConfig('CategoryEncoding', { numTokens: 3, outputMode: tfjs! })).toEqual({ numTokens: 3, outputMode: ridge });
    }
    expect(tfjsLayerConfig('Dense', { outputMode: 'multi_hot' })).toEqual({ outputMode: 'multi_hot' });
    expect(ridgeLayerConfig('CategoryEncoding', { name: 'multiHot' })).toEqual({ name: 'multiHot' });
  });

  it("a tfjs-layers config ('multiHot'), top level or inside a wrapper, builds Ridge's multi_hot layer", () => {
    const before = tf.memory().numTensors;
    const encoding = { class_name: 'CategoryEncoding', config: { name: 'enc', num_tokens: 4, output_mode: 'multiHot' } };
    const top = modelFromJSON({
      class_name: 'Sequential',
      config: { name: 's', layers: [{ ...encoding, config: { ...encoding.config, batch_input_shape: [null, 3] } }] },
    });
    expect((top.getLayer('enc') as ReturnType<typeof categoryEncoding>).outputMode).toBe('multi_hot');
    const wrapped = modelFromJSON({
      class_name: 'Sequential',
      config: { name: 'w', layers: [{ class_name: 'TimeDistributed', config: { name: 'td', layer: encoding, batch_input_shape: [null, 2, 3] } }] },
    });
    expect(((wrapped.getLayer('td') as ReturnType<typeof timeDistributed>).layer as ReturnType<typeof categoryEncoding>).outputMode).toBe('multi_hot');
    top.dispose();
    wrapped.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("warnings of the 'tfjs-layers' format", () => {
  it('names a class tfjs-layers lacks with the wrapper that holds it; Bidirectional counts once', () => {
    expect(TFJS_LAYERS_CLASSES).toContain('Dense');
    expect(TFJS_LAYERS_CLASSES).not.toContain('SpatialDropout2D');
    const td = { className: 'SpatialDropout2D', config: { name: 'drop', rate: 0.1 } };
    expect(tfjsSupport('TimeDistributed', 'td', { layer: td })).toEqual({ missing: ["SpatialDropout2D 'drop' (in TimeDistributed 'td')"], differs: [] });
    expect(tfjsSupport('Dense', 'd', { units: 2 })).toEqual({ missing: [], differs: [] });
    const gruConfig = { name: 'g', units: 2, resetAfter: true };
    const found = tfjsSupport('Bidirectional', 'bi', { layer: { className: 'GRU', config: gruConfig }, backwardLayer: { className: 'GRU', config: { ...gruConfig, name: 'backward_g' } } });
    expect(found.missing).toEqual([]);
    expect(found.differs).toEqual([expect.stringContaining("GRU 'g' (in Bidirectional 'bi'): resetAfter true")]);
  });

  it('one warning for every missing class of a model, nested models included; none in Ridge\'s format', () => {
    const before = tf.memory().numTensors;
    const inner = sequential({ name: 'inner', layers: [spatialDropout2d({ rate: 0.1, name: 'sd', inputShape: [4, 4, 2] })] });
    const inp = input({ shape: [4, 4, 2] });
    const steps = reshape({ targetShape: [1, 4, 4, 2] }).apply(inner.apply(inp));
    const m = model({ inputs: inp, outputs: timeDistributed({ layer: spatialDropout2d({ rate: 0.2, name: 'sd_in' }), name: 'td' }).apply(steps), name: 'outer' });
    const warnings = warningsOf(m);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Model 'outer': tfjs-layers 4.22 has no layer class for SpatialDropout2D 'sd', SpatialDropout2D 'sd_in' (in TimeDistributed 'td').");
    expect(warnings[0]).toContain("so the file loads in Ridge and Keras, but tfjs-layers' loadLayersModel will refuse it");
    expect(warningsOf(m, 'ridge')).toEqual([]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a layer tfjs-layers reads otherwise gets its own warning; its harmless settings none', () => {
    const inp = input({ shape: [2, 2, 1] });
    const up = upSampling2d({ interpolation: 'bilinear', name: 'up' }).apply(inp);
    const near = upSampling2d({ name: 'near' }).apply(up);
    const m = model({ inputs: inp, outputs: near });
    expect(warningsOf(m)).toEqual([expect.stringMatching(/^Layer UpSampling2D 'up': interpolation 'bilinear'/)]);
    m.dispose();
    const seq = input({ shape: [3, 2] });
    const rnn = model({ inputs: seq, outputs: dense({ units: 1 }).apply(gru({ units: 2, resetAfter: false }).apply(lstm({ units: 2, returnSequences: true }).apply(seq))) });
    expect(warningsOf(rnn)).toEqual([]);
    rnn.dispose();
    const bi = bidirectional({ layer: gru({ units: 2, name: 'g' }), name: 'bi' });
    const biModel = model({ inputs: seq, outputs: bi.apply(seq) });
    expect(warningsOf(biModel)).toEqual([expect.stringContaining("Layer GRU 'g' (in Bidirectional 'bi'): resetAfter true")]);
    biModel.dispose();
  });
});
