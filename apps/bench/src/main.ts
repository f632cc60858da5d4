import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench, type BenchOptions, type BenchReport } from './bench.js';
import { CASE_IDS, type Backend, type CaseId } from './cases.js';
import { formatReport } from './table.js';

const USAGE = `usage: node dist/main.js [--backend wasm|cpu|both] [--quick] [--cases ${CASE_IDS.join(',')}]
                         [--epochs N (15)] [--warmup N (2)] [--profile] [--strict]
  --quick    small data and 2 timed epochs: checks that the harness runs
  --profile  also count kernels and time the phases of one training step
  --strict   exit with 1 when a target is missed`;

export function parseOptions(argv: readonly string[]): BenchOptions & { strict: boolean } {
  // `pnpm bench -- --quick` passes the `--` along.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const backends: Backend[] =
    values.backend === 'both' ? ['wasm', 'cpu'] : values.backend === 'wasm' || values.backend === 'cpu' ? [values.backend] : fail(`--backend must be wasm, cpu or both; received '${values.backend}'`);
  const cases = values.cases === undefined ? [...CASE_IDS] : values.cases.split(',').map((s) => s.trim());
  const unknown = cases.filter((c) => !(CASE_IDS as readonly string[]).includes(c));
  if (unknown.length) fail(`unknown case ${unknown.join(', ')}; cases: ${CASE_IDS.join(', ')}`);
  const count = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min ? n : fail(`--${name} must be an integer >= ${min}; received '${raw}'`);
  };
  const quick = values.quick ?? false;
  return {
    backends,
    cases: cases as CaseId[],
    quick,
    epochs: count('epochs', values.epochs, quick ? 2 : 15, 1),
    warmup: count('warmup', values.warmup, quick ? 1 : 2, 0),
    profile: values.profile ?? false,
    strict: values.strict ?? false,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      backend: { type: 'string', default: 'both' },
      quick: { type: 'boolean', default: false },
      cases: { type: 'string' },
      epochs: { type: 'string' },
      warmup: { type: 'string' },
      profile: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
}

function fail(text: string): never {
  console.error(`${text}\n${USAGE}`);
  process.exit(2);
}

/** Writes results/<timestamp>.json and results/latest.json next to dist/; returns the first path. */
export async function writeResults(report: BenchReport): Promise<string> {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = `${dir}${report.startedAt.replace(/[:.]/g, '-')}.json`;
  await writeFile(file, json);
  await writeFile(`${dir}latest.json`, json);
  return file;
}

async function main(): Promise<void> {
  const { strict, ...options } = parseOptions(process.argv.slice(2));
  const report = await runBench({ ...options, log: (line) => console.error(line) });
  console.log(formatReport(report));
  const file = await writeResults(report);
  console.log(`results: ${file} (and results/latest.json)`);
  if (strict && report.targets.some((t) => t.status === 'fail')) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
