// The sample app's web page: choose regularizers, train in the browser on the wasm backend, and
// watch the loss split into its terms.
import '@ridge/backend/wasm';
import '@ridge/backend/cpu';
import { initBackend } from '@ridge/backend';
import type { Callback, Logs, Model, PenaltyTerm } from '@ridge/layers';
import * as tf from '@tensorflow/tfjs-core';
import { decodeDigits, takeDigits, type Digits } from '../../src/shared/digits.js';
import { HISTOGRAM_RANGE, runExperiment } from '../../src/shared/experiment.js';
import { histogram } from '../../src/shared/stats.js';
import { toTensors } from '../../src/shared/tensors.js';
import { DIGIT_FILES, WASM_DIR } from './assets.js';
import { renderBreakdown } from './breakdown.js';
import { LiveCharts } from './charts.js';
import { buildForm, readConfig, readSettings } from './form.js';

type PageState = 'loading' | 'ready' | 'training' | 'done' | 'error';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const trainButton = $<HTMLButtonElement>('train-button');
const stopButton = $<HTMLButtonElement>('stop-button');
const breakdown = $<HTMLTableElement>('breakdown').tBodies[0]!;

/** The page's state, on <body data-state> for styles and for the page's browser test. */
function setState(state: PageState, message: string): void {
  document.body.dataset['state'] = state;
  status.textContent = message;
  trainButton.disabled = state === 'loading' || state === 'training';
  stopButton.disabled = state !== 'training';
}

async function fetchDigits(file: string): Promise<Digits> {
  const response = await fetch(new URL(file, document.baseURI));
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return decodeDigits(new Uint8Array(await response.arrayBuffer()));
}

async function kernelHistogram(m: Model) {
  const values = await m.getLayer('dense_1').weights.find((w) => w.name === 'kernel')!.read().data();
  return histogram(values, HISTOGRAM_RANGE.min, HISTOGRAM_RANGE.max, HISTOGRAM_RANGE.bins);
}

async function start(): Promise<void> {
  buildForm();
  const charts = new LiveCharts();
  const [info, trainDigits, validationDigits] = await Promise.all([
    initBackend({ prefer: ['wasm', 'cpu'], wasmPaths: new URL(WASM_DIR, document.baseURI).href }),
    fetchDigits(DIGIT_FILES.train),
    fetchDigits(DIGIT_FILES.validation),
  ]);
  const validation = toTensors(validationDigits);
  // A fixed sample for model.penalties(x): activity penalties need inputs.
  const probe = tf.slice(validation.x, 0, 200);
  const backend = `${info.name}${info.details ? ` (${info.details})` : ''}`;
  setState('ready', `Ready: ${trainDigits.count} training and ${validationDigits.count} validation digits, ${backend} backend.`);

  let current: Model | undefined;
  stopButton.addEventListener('click', () => {
    if (current) current.stopTraining = true;
  });

  $<HTMLFormElement>('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    void train();
  });

  async function train(): Promise<void> {
    const config = readConfig();
    const settings = readSettings();
    if (!Number.isInteger(settings.epochs) || settings.epochs < 1 || !Number.isInteger(settings.batchSize) || settings.batchSize < 1) {
      setState('error', 'Epochs and batch size must be whole numbers of at least 1.');
      return;
    }
    const data = toTensors(takeDigits(trainDigits, settings.trainCount));
    const steps = Math.ceil(data.x.shape[0] / settings.batchSize);
    const weightDecay = config.optimizer.name === 'adamw' ? config.optimizer.weightDecay : undefined;
    charts.reset();
    breakdown.replaceChildren();
    setState('training', 'Training…');
    let epoch = 0;
    let terms: readonly PenaltyTerm[] = [];
    let lastBreakdown = 0;
    const live = (m: Model): Callback => ({
      async onTrainBegin() {
        current = m;
        $('summary').textContent = m.summary(false);
        terms = m.penalties(probe).terms;
        charts.weights(await kernelHistogram(m), 'initial');
      },
      onEpochBegin(e: number) {
        epoch = e;
      },
      onBatchEnd(batch: number, logs: Logs) {
        charts.batch(epoch + (batch + 1) / steps, logs);
        const now = performance.now();
        if (now - lastBreakdown > 250) {
          lastBreakdown = now;
          renderBreakdown(breakdown, logs, terms, weightDecay);
        }
      },
      async onEpochEnd(e: number, logs: Logs) {
        charts.epoch(e + 1, logs);
        terms = m.penalties(probe).terms;
        renderBreakdown(breakdown, logs, terms, weightDecay);
        charts.weights(await kernelHistogram(m), 'now');
        status.textContent = `Epoch ${e + 1}/${settings.epochs}: loss ${logs['loss']?.toFixed(4)}, validation accuracy ${((logs['val_accuracy'] ?? 0) * 100).toFixed(1)}%`;
      },
    });
    try {
      const result = await runExperiment(config, data, validation, {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        seed: 1,
        callbacks: (m) => [live(m)],
      });
      charts.draw();
      setState(
        'done',
        `Done in ${result.seconds.toFixed(1)} s (${result.epochs} epoch${result.epochs === 1 ? '' : 's'}): training accuracy ${(100 * result.train.accuracy).toFixed(1)}%, ` +
          `validation ${(100 * result.validation.accuracy).toFixed(1)}%, gap ${(100 * result.gap).toFixed(1)} points; ` +
          `${(100 * result.kernels.nearZero).toFixed(1)}% of kernel weights below 0.001.`,
      );
    } catch (error) {
      setState('error', `Training failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      current = undefined;
      tf.dispose([data.x, data.y]);
    }
  }
}

start().catch((error: unknown) => {
  setState('error', `Could not start: ${error instanceof Error ? error.message : String(error)}`);
});
