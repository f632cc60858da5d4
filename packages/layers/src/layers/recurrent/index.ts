export { RecurrentLayer, type GatedRecurrentArgs, type RecurrentArgs } from './recurrent-base.js';
export { SimpleRNN, simpleRNN, type SimpleRNNArgs } from './simple-rnn.js';
export { LSTM, lstm, type LSTMArgs } from './lstm.js';
export { GRU, gru, type GRUArgs } from './gru.js';
