// Every layers unit test runs with the optional parts of a model loaded, whatever entry it imports
// ('../../base.js' included): what '/base' leaves out, and the errors without it, are tested in
// tests/entries/layers-features.test.ts, where no other import loads them.
import '../src/features/callbacks.js';
import '../src/features/data.js';
import '../src/features/fused.js';
import '../src/features/masking.js';
import '../src/features/metrics.js';
import '../src/features/inference.js';
import '../src/features/io.js';
import '../src/features/multi-io.js';
import '../src/features/progress.js';
import '../src/features/regularization.js';
import '../src/features/summary.js';
