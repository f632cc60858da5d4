import type { Logs } from './callbacks.js';

interface Stream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

function stdout(): Stream | undefined {
  const p = (globalThis as { process?: { stdout?: Stream } }).process;
  return p?.stdout;
}

/** Keras's default: a progress bar in a terminal, silent elsewhere (logs stay in history). */
export function defaultVerbosity(): 0 | 1 {
  return stdout()?.isTTY ? 1 : 0;
}

export function formatLogs(logs: Logs, keys: readonly string[] = Object.keys(logs)): string {
  return keys
    .filter((k) => logs[k] !== undefined)
    .map((k) => `${k}: ${formatNumber(logs[k]!)}`)
    .join(' - ');
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : x.toFixed(4);
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${Math.round(seconds - 60 * m)}s`;
}

function formatRate(samplesPerSecond: number): string {
  return samplesPerSecond >= 1000 ? `${(samplesPerSecond / 1000).toFixed(1)}k samples/s` : `${samplesPerSecond.toFixed(0)} samples/s`;
}

/** Logs shown on the progress line: the totals and metrics, not every penalty term. */
function headline(logs: Logs): string[] {
  return Object.keys(logs).filter((k) => !k.includes('/'));
}

/**
 * Verbosity 1: a bar per epoch with rate and ETA, redrawn at most every 100 ms.
 * Verbosity 2: one line per epoch. Verbosity 0: nothing.
 */
export class Progress {
  private epochStart = 0;
  private lastDraw = 0;
  private readonly out: Stream | undefined;

  constructor(
    readonly verbose: 0 | 1 | 2,
    readonly epochs: number,
    readonly steps: number | undefined,
    readonly samplesPerStep: number,
  ) {
    this.out = stdout();
  }

  /** Whether `batch` would redraw now (the caller then reads the running logs). */
  wantsDraw(now: number): boolean {
    return this.verbose === 1 && this.out?.isTTY === true && now - this.lastDraw >= 100;
  }

  epochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
    if (this.verbose === 1) this.line(`Epoch ${epoch + 1}/${this.epochs}`);
  }

  batch(step: number, samplesDone: number, logs: Logs | undefined): void {
    const now = performance.now();
    this.lastDraw = now;
    if (!this.out?.isTTY) return;
    const elapsed = (now - this.epochStart) / 1000;
    const rate = samplesDone / Math.max(elapsed, 1e-6);
    const width = 30;
    const total = this.steps;
    let bar = '';
    if (total) {
      const done = Math.min(width, Math.round((width * step) / total));
      bar = `${String(step).padStart(String(total).length)}/${total} [${'='.repeat(Math.max(0, done - 1))}${done < width ? '>' : '='}${'.'.repeat(width - done)}]`;
      const eta = ((total - step) * this.samplesPerStep) / Math.max(rate, 1e-6);
      bar += ` ${formatRate(rate)} ETA ${formatDuration(eta)}`;
    } else {
      bar = `${step} steps ${formatRate(rate)}`;
    }
    const text = logs ? `${bar} - ${formatLogs(logs, headline(logs))}` : bar;
    const columns = this.out.columns ?? 120;
    this.out.write(`\r${text.slice(0, columns - 1).padEnd(Math.min(columns - 1, text.length))}\x1b[K`);
  }

  epochEnd(epoch: number, steps: number, samples: number, logs: Logs): void {
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const summary = `${formatDuration(elapsed)} ${formatRate(samples / Math.max(elapsed, 1e-6))} - ${formatLogs(logs, headline(logs))}`;
    if (this.verbose === 1) {
      if (this.out?.isTTY) this.out.write(`\r${steps}/${steps} ${summary}\x1b[K\n`);
      else this.line(`${steps}/${steps} ${summary}`);
    } else if (this.verbose === 2) {
      this.line(`Epoch ${epoch + 1}/${this.epochs} - ${summary}`);
    }
  }

  private line(text: string): void {
    writeLine(this.out, text);
  }
}

function writeLine(out: Stream | undefined, text: string): void {
  if (out) out.write(`${text}\n`);
  else console.log(text);
}

/**
 * The one line `evaluate` and `predict` print with `verbose: 1 | 2`, as the last line of Keras's
 * bar: steps, time, rate and, for evaluate, the logs.
 */
export function printSummary(steps: number, samples: number, seconds: number, logs?: Logs): void {
  const text = `${steps}/${steps} ${formatDuration(seconds)} ${formatRate(samples / Math.max(seconds, 1e-6))}`;
  writeLine(stdout(), logs ? `${text} - ${formatLogs(logs, headline(logs))}` : text);
}
