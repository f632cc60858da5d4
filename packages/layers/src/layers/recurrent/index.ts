export { RecurrentLayer, type GatedRecurrentArgs, type RecurrentArgs } from './recurrent-base.js';
export { SimpleRNN, simpleRNN, type SimpleRNNArgs } from './simple-rnn.js';
export { LSTM, lstm, type LSTMArgs } from './lstm.js';
export { GRU, gru, type GRUArgs } from './gru.js';
export { type ConvLSTMArgs } from './conv-lstm.js';
export { ConvLSTM1D, convLstm1d, type ConvLSTM1DArgs } from './conv-lstm1d.js';
export { ConvLSTM2D, convLstm2d, type ConvLSTM2DArgs } from './conv-lstm2d.js';
export { ConvLSTM3D, convLstm3d, type ConvLSTM3DArgs } from './conv-lstm3d.js';
