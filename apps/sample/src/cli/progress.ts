import type { Callback, Logs } from '@ridge/layers';

interface Stream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

function formatSeconds(s: number): string {
  return s < 60 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/**
 * One bar per configuration. In a terminal it is redrawn in place after every epoch; elsewhere
 * (CI logs, pipes) it prints a line every `every` epochs and one at the end.
 */
export class RunProgress {
  constructor(
    private readonly out: Stream,
    private readonly every = 10,
  ) {}

  /** The callback for run `index` of `total`. */
  callback(index: number, total: number, label: string, epochs: number): Callback {
    const out = this.out;
    const every = this.every;
    const name = `[${index + 1}/${total}] ${label}`;
    let start = 0;
    // Most important first, so that a narrow terminal cuts off the least useful part.
    const line = (epoch: number, logs: Logs): string => {
      const width = 20;
      const done = Math.round((width * epoch) / epochs);
      const elapsed = (performance.now() - start) / 1000;
      const eta = epoch > 0 ? (elapsed / epoch) * (epochs - epoch) : 0;
      const time = epoch === epochs ? `in ${formatSeconds(elapsed)}` : epoch > 0 ? `ETA ${formatSeconds(eta)}` : '';
      const numbers = epoch > 0 ? `loss ${(logs['loss'] ?? 0).toFixed(3)}  acc ${(logs['accuracy'] ?? 0).toFixed(3)}  val_acc ${(logs['val_accuracy'] ?? 0).toFixed(3)}` : '';
      return `${name.padEnd(36)} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${String(epoch).padStart(String(epochs).length)}/${epochs} ${time.padEnd(8)} ${numbers}`.trimEnd();
    };
    return {
      onTrainBegin() {
        start = performance.now();
        if (out.isTTY) out.write(line(0, {}).slice(0, (out.columns || 160) - 1));
      },
      onEpochEnd(epoch, logs) {
        const n = epoch + 1;
        if (out.isTTY) {
          const text = line(n, logs);
          out.write(`\r${text.slice(0, (out.columns || 160) - 1)}\x1b[K${n === epochs ? '\n' : ''}`);
        } else if (n % every === 0 || n === epochs || n === 1) {
          out.write(`${line(n, logs)}\n`);
        }
      },
    };
  }
}
