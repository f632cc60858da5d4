// The sample app's CLI: trains the question's model on real MNIST digits once per regularization
// configuration, prints what each one did, and writes report.html and report.json.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@ridge/backend';
import { EXPERIMENTS, experimentById } from '../shared/configs.js';
import { runPipeline } from './pipeline.js';
import { RunProgress } from './progress.js';
import { formatTable, penaltyTable, summaryTable, weightsTable } from './table.js';

const HELP = `Usage: node dist/cli/main.js [options]

  --train <n>        training digits, a multiple of 10 (default 1000)
  --validation <n>   validation digits, a multiple of 10 (default 1000)
  --epochs <n>       epochs per configuration (default 40)
  --batch-size <n>   (default 32)
  --seed <n>         initial weights, digit order and shuffling (default 1)
  --configs <ids>    comma-separated, from: ${EXPERIMENTS.map((e) => e.id).join(', ')} (default: all)
  --out <dir>        where report.html and report.json go (default: the app's folder)
  --help`;

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}; received ${JSON.stringify(value)}.`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      train: { type: 'string' },
      validation: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      seed: { type: 'string' },
      configs: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const configs = values.configs
    ? values.configs.split(',').map((id) => {
        const found = experimentById(id.trim());
        if (!found) throw new RangeError(`--configs: unknown configuration ${JSON.stringify(id)}; known: ${EXPERIMENTS.map((e) => e.id).join(', ')}.`);
        return found;
      })
    : EXPERIMENTS;
  const appDir = fileURLToPath(new URL('../../', import.meta.url));
  const options = {
    train: integer('train', values.train, 1000, 10),
    validation: integer('validation', values.validation, 1000, 10),
    epochs: integer('epochs', values.epochs, 40, 1),
    batchSize: integer('batch-size', values['batch-size'], 32, 1),
    seed: integer('seed', values.seed, 1, 0),
    configs,
    outDir: values.out ? resolve(values.out) : appDir,
  };

  await initBackend();
  console.log(
    `Training the question's model (784 -> Dense 250 tanh -> Dense 10 -> softmax, Adam) ${configs.length} times on ` +
      `${options.train.toLocaleString('en-US')} MNIST digits, validating on ${options.validation.toLocaleString('en-US')} others: ${options.epochs} epochs, batch ${options.batchSize}.\n`,
  );
  const progress = new RunProgress(process.stdout);
  const { report, htmlPath, jsonPath } = await runPipeline({
    ...options,
    progress: (i, total, config) => progress.callback(i, total, config.label, options.epochs),
  });

  const section = (title: string, text: string) => console.log(`\n${title}\n\n${text}`);
  section('Summary (accuracy of the final weights; gap = train - validation; |w|<0.001 = fraction of kernel weights near zero)', formatTable(summaryTable(report.runs)));
  section('Kernels', formatTable(weightsTable(report.runs)));
  section('The training loss at the last epoch, term by term', formatTable(penaltyTable(report.runs)));
  console.log(`\nTrained in ${report.meta.seconds.toFixed(0)} s on ${report.meta.backend}.`);
  console.log(`Report: ${htmlPath}\nNumbers: ${jsonPath}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
