import { registry, type FactoryEntry } from '@ridge/core';
import { ConvLSTM1D, type ConvLSTM1DArgs } from './conv-lstm1d.js';
import { ConvLSTM2D, type ConvLSTM2DArgs } from './conv-lstm2d.js';
import { ConvLSTM3D, type ConvLSTM3DArgs } from './conv-lstm3d.js';
import { GRU, type GRUArgs } from './gru.js';
import { LSTM, type LSTMArgs } from './lstm.js';
import { SimpleRNN, type SimpleRNNArgs } from './simple-rnn.js';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';

declare module '@ridge/core' {
  interface LayerRegistry {
    SimpleRNN: SimpleRNNArgs;
    LSTM: LSTMArgs;
    GRU: GRUArgs;
    ConvLSTM1D: ConvLSTM1DArgs;
    ConvLSTM2D: ConvLSTM2DArgs;
    ConvLSTM3D: ConvLSTM3DArgs;
  }
}

const PACKAGE = '@ridge/layers';

export const recurrentLayerEntries: readonly FactoryEntry<'layer'>[] = [
  { kind: 'layer', name: 'SimpleRNN', package: PACKAGE, create: (config) => new SimpleRNN(withoutForeignKeys('SimpleRNN', config ?? {}) as unknown as SimpleRNNArgs) },
  { kind: 'layer', name: 'LSTM', package: PACKAGE, create: (config) => new LSTM(withoutForeignKeys('LSTM', config ?? {}) as unknown as LSTMArgs) },
  { kind: 'layer', name: 'GRU', package: PACKAGE, create: (config) => new GRU(withoutForeignKeys('GRU', config ?? {}) as unknown as GRUArgs) },
  { kind: 'layer', name: 'ConvLSTM1D', package: PACKAGE, create: (config) => new ConvLSTM1D(withoutForeignKeys('ConvLSTM1D', config ?? {}) as unknown as ConvLSTM1DArgs) },
  { kind: 'layer', name: 'ConvLSTM2D', package: PACKAGE, create: (config) => new ConvLSTM2D(withoutForeignKeys('ConvLSTM2D', config ?? {}) as unknown as ConvLSTM2DArgs) },
  { kind: 'layer', name: 'ConvLSTM3D', package: PACKAGE, create: (config) => new ConvLSTM3D(withoutForeignKeys('ConvLSTM3D', config ?? {}) as unknown as ConvLSTM3DArgs) },
];

for (const entry of recurrentLayerEntries) registry('layer').register(entry);
