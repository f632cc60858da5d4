import { describe, expect, it } from 'vitest';
import { snakeCase, uniqueLayerName } from './naming.js';

describe('layer names', () => {
  it("follow Keras's snake_case rule", () => {
    const cases: [string, string][] = [
      ['Dense', 'dense'],
      ['Conv2D', 'conv2d'],
      ['MaxPooling2D', 'max_pooling2d'],
      ['SpatialDropout1D', 'spatial_dropout1d'],
      ['SimpleRNN', 'simple_rnn'],
      ['LSTM', 'lstm'],
      ['InputLayer', 'input_layer'],
      ['BatchNormalization', 'batch_normalization'],
      ['GlobalAveragePooling1D', 'global_average_pooling1d'],
    ];
    for (const [cls, name] of cases) expect(snakeCase(cls)).toBe(name);
  });

  it("are numbered per prefix, Keras-style: 'x', 'x_1', 'x_2'", () => {
    expect([uniqueLayerName('naming_probe'), uniqueLayerName('naming_probe'), uniqueLayerName('naming_probe')]).toEqual([
      'naming_probe',
      'naming_probe_1',
      'naming_probe_2',
    ]);
  });
});
