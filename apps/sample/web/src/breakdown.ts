import type { PenaltyTerm } from '@ridge/layers';
import { penaltyShares } from '../../src/shared/stats.js';

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function bar(share: number): HTMLTableCellElement {
  const td = cell('', 'bar');
  const span = document.createElement('span');
  span.style.width = `${Math.max(0, Math.min(1, share)) * 100}%`;
  td.append(span);
  return td;
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The loss of the latest logs split into the data loss and each penalty term, each term with its
 * regularizer and its source from `model.penalties()` (`terms`).
 */
export function renderBreakdown(tbody: HTMLTableSectionElement, logs: Readonly<Record<string, number>>, terms: readonly PenaltyTerm[], weightDecay: number | undefined): void {
  const loss = logs['loss'] ?? Number.NaN;
  const rows: HTMLTableRowElement[] = [];
  const row = (term: string, regularizer: string, from: string, value: number | undefined, share: number | undefined) => {
    const tr = document.createElement('tr');
    tr.dataset['term'] = term;
    tr.append(cell(term), cell(regularizer), cell(from), cell(value === undefined ? '-' : fmt(value), 'num'), cell(share === undefined ? '-' : pct(share), 'num'), bar(share ?? 0));
    rows.push(tr);
  };
  row('loss', 'total', '', loss, 1);
  row('data_loss', 'categoricalCrossentropy', 'the data', logs['data_loss'], loss ? (logs['data_loss'] ?? 0) / loss : undefined);
  for (const s of penaltyShares(logs)) {
    const t = terms.find((x) => x.path === s.term);
    const reg = t ? `${t.regularizer}(${Object.values(t.config ?? {}).join(', ')})` : '';
    row(`penalty/${s.term}`, reg, t ? (t.kind === 'activity' ? 'the layer (activity)' : `the ${t.source}`) : '', s.value, s.share);
  }
  if (weightDecay !== undefined) row('(weight decay)', `adamw weightDecay ${weightDecay}`, 'the optimizer, outside the loss', undefined, undefined);
  tbody.replaceChildren(...rows);
}
