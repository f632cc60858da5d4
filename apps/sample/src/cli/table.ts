import type { RunResult } from '../shared/experiment.js';
import { NEAR_ZERO } from '../shared/stats.js';

export type Align = 'left' | 'right';

/** A table as data, so the terminal and report.html print the same rows. */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly align: readonly Align[];
}

/** A plain-text table with a header rule. */
export function formatTable({ headers, rows, align }: Table): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const cell = (text: string, c: number) => (align[c] === 'right' ? text.padStart(widths[c]!) : text.padEnd(widths[c]!));
  const line = (r: readonly string[]) => r.map((t, c) => cell(t, c)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const percent = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;
const points = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} pt`;
const num = (x: number, digits = 2): string => x.toFixed(digits);

const ZERO_HEADER = `|w|<${NEAR_ZERO}`;

/** One row per configuration: accuracies, the gap, the kernels' sparsity and norms, the penalty's share. */
export function summaryTable(runs: readonly RunResult[]): Table {
  return {
    headers: ['configuration', 'train acc', 'val acc', 'gap', `kernels ${ZERO_HEADER}`, 'kernels L1', 'kernels L2', 'penalty / loss'],
    rows: runs.map((r) => [
      r.config.label,
      percent(r.train.accuracy),
      percent(r.validation.accuracy),
      points(r.gap),
      percent(r.kernels.nearZero),
      num(r.kernels.l1, 0),
      num(r.kernels.l2),
      r.penaltyShares.length ? percent(r.penaltyShare) : '-',
    ]),
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  };
}

/** Every kernel of every configuration. */
export function weightsTable(runs: readonly RunResult[]): Table {
  const rows = runs.flatMap((r) =>
    r.weights
      .filter((w) => w.path.endsWith('/kernel'))
      .map((w) => [r.config.label, w.path, String(w.count), percent(w.nearZero), num(w.l1, 1), num(w.l2, 3), num(w.maxAbs, 3)]),
  );
  return {
    headers: ['configuration', 'weight', 'count', ZERO_HEADER, 'L1 norm', 'L2 norm', 'max |w|'],
    rows,
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  };
}

/** The last epoch's loss split into the data loss and each penalty term. */
export function penaltyTable(runs: readonly RunResult[]): Table {
  const rows: string[][] = [];
  for (const r of runs) {
    const last = (key: string) => r.history[key]?.[r.history[key]!.length - 1] ?? Number.NaN;
    const loss = last('loss');
    rows.push([r.config.label, 'loss (total)', num(loss, 4), '100.0%', '']);
    rows.push(['', 'data_loss', num(last('data_loss'), 4), percent(last('data_loss') / loss), '']);
    for (const t of r.penaltyShares) {
      const term = r.terms.find((x) => x.path === t.term);
      const from = term ? `${term.regularizer}(${Object.values(term.config ?? {}).join(', ')}) from the ${term.source}` : '';
      rows.push(['', `penalty/${t.term}`, num(t.value, 4), percent(t.share), from]);
    }
    if (r.config.optimizer.name === 'adamw') rows.push(['', '(weight decay)', '-', '-', `adamw weightDecay ${r.config.optimizer.weightDecay}, outside the loss`]);
  }
  return { headers: ['configuration', 'term', 'value', 'share of loss', 'regularizer'], rows, align: ['left', 'left', 'right', 'right', 'left'] };
}
