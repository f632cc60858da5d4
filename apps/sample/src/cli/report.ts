import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describeChoice, LAYER_NAMES, type ExperimentConfig } from '../shared/configs.js';
import type { Report } from './pipeline.js';
import { penaltyTable, percent, summaryTable, weightsTable, type Table } from './table.js';

/** chart.js's UMD build, inlined so that the report opens without a network. */
async function chartJsSource(): Promise<string> {
  // chart.js's exports map does not list dist/chart.umd.js; it sits next to the CommonJS entry.
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFile(join(dirname(main), 'chart.umd.js'), 'utf8');
}

/** The script that draws the charts from the embedded data: the package's assets/report-client.js (from src/cli and dist/cli alike). */
async function clientSource(): Promise<string> {
  return readFile(new URL('../../assets/report-client.js', import.meta.url), 'utf8');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Text that goes inside a <script> element, where `</script` would end it early (`<\/` means the same in JS strings and regexes). */
function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1');
}

function htmlTable({ headers, rows, align }: Table, className = ''): string {
  const cell = (tag: 'th' | 'td', text: string, c: number) => `<${tag}${align[c] === 'right' ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  return [
    `<table class="${className}">`,
    `<thead><tr>${headers.map((h, c) => cell('th', h, c)).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((t, c) => cell('td', t, c)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

function describeConfig(c: ExperimentConfig): string {
  const parts: string[] = [];
  for (const layer of LAYER_NAMES) {
    const choice = c.layers[layer];
    if (!choice) continue;
    const regs = (['kernel', 'bias', 'activity'] as const).filter((k) => choice[k] && choice[k]!.kind !== 'none').map((k) => `${k} ${describeChoice(choice[k])}`);
    if (regs.length) parts.push(`${layer}: ${regs.join(', ')}`);
  }
  if (c.model && c.model.kind !== 'none') parts.push(`model-level ${describeChoice(c.model)} on ${c.model.include}`);
  parts.push(c.optimizer.name === 'adamw' ? `adamw(weightDecay ${c.optimizer.weightDecay})` : 'adam');
  return parts.join('; ');
}

function card(runId: string, label: string, chart: string, note: string, className = ''): string {
  return `<figure class="card${className ? ` ${className}` : ''}"><figcaption>${escapeHtml(label)}</figcaption><div class="chart"><canvas data-chart="${chart}" data-run="${escapeHtml(runId)}"></canvas></div><p class="note">${escapeHtml(note)}</p></figure>`;
}

/** A self-contained page: tables rendered here, charts drawn in the page by chart.js from the embedded data. */
export async function renderReport(report: Report): Promise<string> {
  const { meta, runs } = report;
  const [chartJs, client] = await Promise.all([chartJsSource(), clientSource()]);
  const l1 = runs.find((r) => r.config.id === 'layer-l1');
  const l2 = runs.find((r) => r.config.id === 'layer-l2');
  const regularized = runs.filter((r) => r.penaltyShares.length > 0);
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ridge sample: what regularization does</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: light; --fg: #1d2430; --muted: #5b6475; --line: #d9dee7; --bg: #f6f7f9; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
  main { max-width: 1240px; margin: 0 auto; padding: 24px 24px 64px; }
  h1 { font-size: 26px; margin: 8px 0 4px; }
  h2 { font-size: 20px; margin: 40px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
  p { max-width: 900px; }
  .meta, .note { color: var(--muted); }
  .note { font-size: 13px; margin: 6px 0 0; }
  table { border-collapse: collapse; background: #fff; margin: 12px 0; font-size: 13.5px; }
  th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
  th { background: #eef1f5; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 16px; margin: 16px 0; }
  .grid .span { grid-column: 1 / -1; }
  .grid .span .chart { height: 340px; }
  .card { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
  .card figcaption { font-weight: 600; }
  .chart { position: relative; height: 240px; }
  .configs td:last-child { white-space: normal; }
  pre { background: #fff; border: 1px solid var(--line); padding: 10px; overflow-x: auto; font-size: 12px; }
  details { margin: 8px 0; }
</style>
</head>
<body>
<main>
<h1>What kernel, bias and activity regularizers and the model-level option do</h1>
<p class="meta">The question's model (784 &rarr; Dense 250 tanh &rarr; Dense 10 &rarr; softmax, Adam, categorical crossentropy) trained
${runs.length} times on the same ${meta.train.toLocaleString('en-US')} real MNIST digits from the same initial weights (seed ${meta.seed}), validated on
${meta.validation.toLocaleString('en-US')} other digits: ${meta.epochs} epochs, batch ${meta.batchSize}, ${escapeHtml(meta.backend)} backend, ${meta.seconds.toFixed(0)} s of training in all.</p>

<h2 id="configurations">Configurations</h2>
${htmlTable({ headers: ['configuration', 'regularization', 'what it shows'], rows: runs.map((r) => [r.config.label, describeConfig(r.config), r.config.about]), align: [] }, 'configs')}

<h2 id="summary">Summary</h2>
<p>Accuracies are of the final weights on all the training and all the validation digits. The gap is training minus validation
accuracy. Sparsity is the fraction of kernel weights with |w| &lt; ${meta.nearZero}; norms are of both kernels together. The last column
is the penalty's part of the training loss at the last epoch.</p>
${htmlTable(summaryTable(runs))}

<h2 id="loss-curves">Loss curves: training against validation</h2>
<p>The data loss (crossentropy alone) on the training digits, averaged over each epoch, and on the validation digits after it. Where the
validation curve rises while the training curve falls, the model is memorizing. The dotted line is the total training loss, the number
the optimizer minimizes: crossentropy plus every penalty term. All panels share one (logarithmic) scale.</p>
<div class="grid">${runs.map((r) => card(r.config.id, r.config.label, 'loss', `final data loss: train ${r.train.dataLoss.toFixed(3)}, validation ${r.validation.dataLoss.toFixed(3)}`)).join('\n')}</div>

<h2 id="accuracy">Accuracy: training against validation</h2>
<div class="grid">${runs.map((r) => card(r.config.id, r.config.label, 'accuracy', `final: train ${percent(r.train.accuracy)}, validation ${percent(r.validation.accuracy)}, gap ${(100 * r.gap).toFixed(1)} points`)).join('\n')}</div>
<div class="grid">
${card('all', 'Generalization gap after each epoch (training minus validation accuracy)', 'gap', 'Training accuracy here is the running mean over the epoch, as fit logs it.')}
${card('all', 'Validation data loss, every configuration', 'val-loss', 'Lower is better; the unregularized model drifts upwards as it grows more confident on the digits it memorized.')}
</div>

<h2 id="weights">Weights: L1 against L2</h2>
<p>${l1 && l2 ? `Both penalties were set to cost the model about the same training accuracy (${percent(l1.train.accuracy)} with L1, ${percent(l2.train.accuracy)} with L2). L1 left ${percent(l1.kernels.nearZero)} of the kernel weights below ${meta.nearZero} in magnitude, L2 ${percent(l2.kernels.nearZero)}. ` : ''}L1's gradient, factor &times; sign(w), pushes a small weight as hard as a large one, so weights that do not earn their keep reach 0 and stay there;
L2's gradient, 2 &times; factor &times; w, fades as the weight shrinks, so L2 makes weights small rather than zero. Many of the zeros under L2, and most under weight decay, are
the weights of the ${meta.deadPixels} pixels that are 0 in every training digit (${percent(meta.deadPixels / 784)} of dense_1's kernel): no data gradient reaches them, only the
penalty or the decay moves them. Adam divides the penalty's gradient on those weights by its own running size, so even L2's fading pull moves them by up to a learning rate per step and they reach 0 within a few epochs; AdamW's decay
multiplies them by 1 &minus; lr &times; weightDecay per step, so they cross ${meta.nearZero} together, late (the step in its sparsity curve).</p>
<div class="grid">
${card('all', "dense_1's kernel (196,000 weights): histogram after training, logarithmic counts", 'histogram', `Bins of ${((meta.histogram.max - meta.histogram.min) / meta.histogram.bins).toFixed(3)}; the middle bin holds |w| < ${((meta.histogram.max - meta.histogram.min) / meta.histogram.bins / 2).toFixed(4)}. Click a legend entry to show or hide a configuration.`, 'span')}
${card('all', `Kernel weights with |w| < ${meta.nearZero}, after each epoch`, 'sparsity', 'Both kernels together.')}
${card('all', 'L2 norm of the kernels after each epoch', 'norm', 'Every regularizer, and decoupled weight decay, holds the norm down; without one it keeps growing.')}
</div>

<h2 id="penalties">Penalty terms over time</h2>
<p>What the optimizer minimizes, split as Ridge logs it: <code>loss = data_loss + penalty</code>, and <code>penalty</code> is the sum of one term per
regularized weight (<code>penalty/&lt;layer&gt;/&lt;weight&gt;</code>) and per activity (<code>penalty/&lt;layer&gt;/activity</code>, divided by the batch size).
The areas are stacked, so their top edge is the total training loss. AdamW has no penalty terms: its decay is applied by the optimizer, outside the loss.</p>
<div class="grid">${regularized.map((r) => card(r.config.id, r.config.label, 'penalties', `last epoch: penalty ${percent(r.penaltyShare)} of the loss`)).join('\n')}</div>
${htmlTable(penaltyTable(runs))}

<h2 id="kernels">Every kernel</h2>
${htmlTable(weightsTable(runs))}

<h2 id="models">model.summary() of each configuration</h2>
${runs.map((r) => `<details><summary>${escapeHtml(r.config.label)}</summary><pre>${escapeHtml(r.summary)}</pre></details>`).join('\n')}
</main>
<script>${scriptText(chartJs)}</script>
<script type="application/json" id="report-data">${data}</script>
<script>${scriptText(client)}</script>
</body>
</html>
`;
}
