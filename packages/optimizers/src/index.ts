// The package root: every optional feature of the optimizers (clipping, weight decay, configs and
// state, saved schedules, fused updates), and the registered names. '@ridge/optimizers/base' has the same exports without them.
import './features/clipping.js';
import './features/fused.js';
import './features/io.js';
import './features/schedules.js';
import './features/weight-decay.js';
import './register.js';

export * from './base.js';
