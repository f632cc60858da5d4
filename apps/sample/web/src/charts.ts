import {
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import { HISTOGRAM_RANGE } from '../../src/shared/experiment.js';
import type { Histogram } from '../../src/shared/stats.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Filler, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.size = 11;
Chart.defaults.plugins.legend.labels.boxWidth = 12;

type Point = { x: number; y: number };
type LineSet = ChartDataset<'line', Point[]>;

const TERM_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const epochAxis = { type: 'linear' as const, min: 0, title: { display: true, text: 'epoch' } };

function canvas(id: string): HTMLCanvasElement {
  const c = document.getElementById(id);
  if (!(c instanceof HTMLCanvasElement)) throw new Error(`#${id} is not a canvas`);
  return c;
}

function line(label: string, color: string, extra: Partial<LineSet> = {}): LineSet {
  return { label, data: [], borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 0, ...extra };
}

/** The page's four live charts. Points arrive per batch and per epoch; drawing is batched to one frame. */
export class LiveCharts {
  private readonly loss: Chart<'line', Point[]>;
  private readonly accuracy: Chart<'line', Point[]>;
  private readonly penalties: Chart<'line', Point[]>;
  private readonly histogram: Chart<'line', (number | null)[], string>;
  private pending = false;

  constructor() {
    this.loss = new Chart<'line', Point[]>(canvas('chart-loss'), {
      type: 'line',
      data: {
        datasets: [
          line('train data loss', '#1f77b4'),
          line('train total loss', '#5b6475', { borderDash: [2, 3] }),
          line('validation data loss', '#d62728', { pointRadius: 3, borderDash: [6, 3] }),
        ],
      },
      options: { scales: { x: epochAxis, y: { type: 'logarithmic', title: { display: true, text: 'loss' } } } },
    });
    this.accuracy = new Chart<'line', Point[]>(canvas('chart-accuracy'), {
      type: 'line',
      data: { datasets: [line('train batch accuracy', '#1f77b4', { borderWidth: 1 }), line('validation accuracy', '#d62728', { pointRadius: 3, borderDash: [6, 3] })] },
      options: { scales: { x: epochAxis, y: { max: 1, title: { display: true, text: 'accuracy' } } } },
    });
    this.penalties = new Chart<'line', Point[]>(canvas('chart-penalties'), {
      type: 'line',
      data: { datasets: [line('data_loss', '#5b6475', { fill: 'origin', backgroundColor: 'rgba(91,100,117,0.25)' })] },
      options: { scales: { x: epochAxis, y: { stacked: true, min: 0, title: { display: true, text: 'training loss, stacked' } } } },
    });
    const { min, max, bins } = HISTOGRAM_RANGE;
    const width = (max - min) / bins;
    this.histogram = new Chart<'line', (number | null)[], string>(canvas('chart-histogram'), {
      type: 'line',
      data: {
        labels: Array.from({ length: bins }, (_, i) => (min + (i + 0.5) * width).toFixed(3)),
        datasets: [
          { label: 'initial', data: [], borderColor: '#9aa3b2', backgroundColor: '#9aa3b2', borderWidth: 1, pointRadius: 0, stepped: 'middle' },
          { label: 'now', data: [], borderColor: '#1f77b4', backgroundColor: '#1f77b4', borderWidth: 1.5, pointRadius: 0, stepped: 'middle' },
        ],
      },
      options: { scales: { x: { ticks: { maxTicksLimit: 9 }, title: { display: true, text: 'weight value' } }, y: { type: 'logarithmic', min: 1 } } },
    });
  }

  reset(): void {
    for (const chart of [this.loss, this.accuracy]) for (const d of chart.data.datasets) d.data = [];
    this.penalties.data.datasets.splice(1);
    this.penalties.data.datasets[0]!.data = [];
    for (const d of this.histogram.data.datasets) d.data = [];
    this.draw();
  }

  /** One training batch: `t` in epochs (fractional). */
  batch(t: number, logs: Readonly<Record<string, number>>): void {
    const push = (chart: Chart<'line', Point[]>, i: number, y: number | undefined) => {
      if (y !== undefined && Number.isFinite(y)) chart.data.datasets[i]!.data.push({ x: t, y });
    };
    push(this.loss, 0, logs['data_loss']);
    if (Object.keys(logs).some((k) => k.startsWith('penalty/'))) push(this.loss, 1, logs['loss']);
    push(this.accuracy, 0, logs['accuracy']);
    push(this.penalties, 0, logs['data_loss']);
    for (const [key, value] of Object.entries(logs)) {
      if (!key.startsWith('penalty/')) continue;
      let set = this.penalties.data.datasets.find((d) => d.label === key);
      if (!set) {
        const color = TERM_COLORS[(this.penalties.data.datasets.length - 1) % TERM_COLORS.length]!;
        set = line(key, color, { fill: '-1', backgroundColor: `${color}55` });
        this.penalties.data.datasets.push(set);
      }
      set.data.push({ x: t, y: value });
    }
    this.schedule();
  }

  /** The end of epoch `epoch` (from 1), with validation logs. */
  epoch(epoch: number, logs: Readonly<Record<string, number>>): void {
    const v = logs['val_data_loss'];
    if (v !== undefined) this.loss.data.datasets[2]!.data.push({ x: epoch, y: v });
    const a = logs['val_accuracy'];
    if (a !== undefined) this.accuracy.data.datasets[1]!.data.push({ x: epoch, y: a });
    this.schedule();
  }

  weights(h: Histogram, which: 'initial' | 'now'): void {
    this.histogram.data.datasets[which === 'initial' ? 0 : 1]!.data = h.counts.map((c) => (c > 0 ? c : null));
    this.schedule();
  }

  /** Data points per chart, for the page's test and for anyone curious. */
  counts(): Record<string, number> {
    const n = (chart: Chart) => chart.data.datasets.reduce((s, d) => s + (d.data as unknown[]).filter((v) => v !== null && v !== undefined).length, 0);
    return { loss: n(this.loss), accuracy: n(this.accuracy), penalties: n(this.penalties), histogram: n(this.histogram) };
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => this.draw());
  }

  draw(): void {
    this.pending = false;
    for (const chart of [this.loss, this.accuracy, this.penalties, this.histogram] as Chart[]) chart.update('none');
    for (const [name, count] of Object.entries(this.counts())) canvas(`chart-${name}`).dataset['points'] = String(count);
  }
}
