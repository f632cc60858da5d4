import { registry, type FactoryEntry } from '@ridge/core';
import { GRU, type GRUArgs } from './gru.js';
import { LSTM, type LSTMArgs } from './lstm.js';
import { SimpleRNN, type SimpleRNNArgs } from './simple-rnn.js';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';

declare module '@ridge/core' {
  interface LayerRegistry {
    SimpleRNN: SimpleRNNArgs;
    LSTM: LSTMArgs;
    GRU: GRUArgs;
  }
}

const PACKAGE = '@ridge/layers';

export const recurrentLayerEntries: readonly FactoryEntry<'layer'>[] = [
  { kind: 'layer', name: 'SimpleRNN', package: PACKAGE, create: (config) => new SimpleRNN(withoutForeignKeys('SimpleRNN', config ?? {}) as unknown as SimpleRNNArgs) },
  { kind: 'layer', name: 'LSTM', package: PACKAGE, create: (config) => new LSTM(withoutForeignKeys('LSTM', config ?? {}) as unknown as LSTMArgs) },
  { kind: 'layer', name: 'GRU', package: PACKAGE, create: (config) => new GRU(withoutForeignKeys('GRU', config ?? {}) as unknown as GRUArgs) },
];

for (const entry of recurrentLayerEntries) registry('layer').register(entry);
