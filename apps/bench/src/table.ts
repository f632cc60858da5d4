import type { BackendReport, BenchReport, CaseResult, LibraryResult } from './bench.js';
import { leaks } from './check.js';

const HEADERS = [
  'case',
  'samples',
  'Ridge/s',
  'tfjs-l/s',
  'ratio',
  'cpu ratio',
  'reg ovh',
  'cpu ovh',
  'Ridge %mm',
  'tfjs-l %mm',
  'Ridge tensors',
  'Ridge MB',
  'tfjs-l tensors',
  'tfjs-l MB',
  'same loss',
];

const rate = (r: LibraryResult) => (r.status === 'ok' ? r.samplesPerSec.toFixed(0) : 'n/a');
const pct = (v: number | null, digits = 1) => (v === null ? '' : `${(v * 100).toFixed(digits)}%`);
const fraction = (r: LibraryResult) => (r.status === 'ok' ? pct(r.matmulFraction) : '');
const tensors = (r: LibraryResult) => (r.status === 'ok' ? `${r.timing.tensors.before}->${r.timing.tensors.after}${r.timing.tensors.flat ? '' : ' GROWS'}` : '');
const mb = (r: LibraryResult) => (r.status === 'ok' ? `${(r.timing.bytes.before / 2 ** 20).toFixed(2)}->${(r.timing.bytes.after / 2 ** 20).toFixed(2)}` : '');
const times = (v: number | null) => (v === null ? '' : `${v.toFixed(2)}x`);

function row(c: CaseResult): string[] {
  const check = c.lossCheck;
  const same = check === null ? '' : check.ok ? `ok ${check.dataLoss.relDiff.toExponential(0)}` : 'DIFFERS';
  return [c.id, c.samples ? String(c.samples) : '', rate(c.ridge), rate(c.tfl), times(c.ratio), times(c.cpuRatio), pct(c.regularizationOverhead), pct(c.cpuRegularizationOverhead), fraction(c.ridge), fraction(c.tfl), tensors(c.ridge), mb(c.ridge), tensors(c.tfl), mb(c.tfl), same];
}

/** Left-aligns the first column, right-aligns the rest. */
function grid(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
}

function backendBlock(b: BackendReport): string[] {
  const m = b.matmul;
  const lines = [
    `${b.backend}: matmul 512x512x512 ${m.square512.cpuGflops.toFixed(2)} GFLOPS, 64x784x250 ${m.seedForward.cpuGflops.toFixed(2)} GFLOPS (by CPU time); one tfjs-core engine: ${b.sharedEngine ? 'yes' : 'NO'}`,
    ...grid([HEADERS, ...b.cases.map(row)]),
  ];
  for (const c of b.cases) {
    if (c.ridge.status === 'n/a' && c.tfl.status === 'n/a' && c.ridge.reason === c.tfl.reason) {
      lines.push(`  ${c.id}: n/a: ${c.ridge.reason}`);
    } else {
      for (const [lib, r] of [['Ridge', c.ridge], ['tfjs-layers', c.tfl]] as const) {
        if (r.status === 'n/a') lines.push(`  ${c.id}: ${lib} n/a: ${r.reason}`);
      }
    }
    const check = c.lossCheck;
    if (check && !check.ok) {
      const p = check.penalty;
      lines.push(`  ${c.id}: losses differ: data ${check.dataLoss.ridge} vs ${check.dataLoss.tfl}${p ? `, penalty ${p.ridge} vs ${p.tfl}` : ''}`);
    }
    const left = c.ridgeCallDeltas ? leaks(c.ridgeCallDeltas) : [];
    if (left.length) lines.push(`  ${c.id}: Ridge leaves tensors behind (first call, second call): ${left.join('; ')}`);
  }
  if (b.profile) lines.push('', ...profileBlock(b));
  return lines;
}

function profileBlock(b: BackendReport): string[] {
  const p = b.profile!;
  const ms = (v: number) => v.toFixed(2);
  const lines = [
    `${b.backend}: one training step (batch 64), averaged over an epoch of ${p.steps[0]?.steps ?? 0} steps; ms/step uninstrumented, the rest from an instrumented epoch; ` +
      `kernels: outermost engine.runKernel calls; forward/backward: inside engine.gradients; optimizer: applyGradients; reads: dataSync/data calls`,
  ];
  lines.push(
    ...grid([
      ['case', 'library', 'ms/step', 'profiled', 'kernels', 'kernel ms', 'forward', 'backward', 'optimizer', 'readback', 'other', 'reads'],
      ...p.steps.map((s) => [s.caseId, s.library, ms(s.plainWallMsPerStep), ms(s.wallMsPerStep), s.kernelsPerStep.toFixed(1), ms(s.kernelMsPerStep), ms(s.phases.forwardMs), ms(s.phases.backwardMs), ms(s.phases.optimizerMs), ms(s.phases.readbackMs), ms(s.phases.otherMs), s.readbacksPerStep.toFixed(2)]),
    ]).map((l) => `  ${l}`),
  );
  for (const s of p.steps) {
    const top = s.kernels.slice(0, 8).map((k) => `${k.name} ${k.msPerStep.toFixed(2)} ms x${+k.callsPerStep.toFixed(2)}`);
    lines.push(`  top kernels, ${s.caseId} ${s.library}: ${top.join('; ')}`);
  }
  lines.push(`  ops at the seed model's shapes (ms): ${p.ops.map((o) => `${o.name} ${o.ms.toFixed(2)}`).join('; ')}`);
  lines.push(`  reading back a fresh [784,250] tensor: ${p.readbackUsPerElement.toFixed(3)} us per element`);
  return lines;
}

export function formatReport(report: BenchReport): string {
  const e = report.environment;
  const lines = [
    `Ridge vs tfjs-layers ${e.tfjsLayers} on tfjs-core ${e.tfjsCore}, ${e.platform}, node ${e.node}, ${e.cpus} x ${e.cpuModel}`,
    `samples/s: median of ${report.options.epochs} timed epochs (ratio and ovh: median of per-round ratios) after ${report.options.warmup} warm-up, batch 64, shuffle off; ` +
      `ratio by wall time, cpu ratio by this process's CPU time; reg ovh: Ridge, 1 - samples/s / samples/s of 'seed' (cpu ovh: by CPU time); ` +
      `%mm: training FLOPs/s (3 x forward) over the backend's 512x512 matmul FLOPs/s, both by CPU time`,
  ];
  if (report.options.quick) lines.push('QUICK RUN: small data, few epochs; the numbers only show that the harness works.');
  if (e.loadAverage.start > e.cpus || e.loadAverage.end > e.cpus) {
    lines.push(`note: load average ${e.loadAverage.start.toFixed(1)} -> ${e.loadAverage.end.toFixed(1)} on ${e.cpus} CPUs: other processes shared the cores; compare the CPU-time ratio.`);
  }
  for (const b of report.backends) lines.push('', ...backendBlock(b));
  lines.push('', 'Targets (DESIGN.md section 8)');
  for (const t of report.targets) {
    const show = (v: number | null) => (v === null ? 'n/a' : t.limit.includes('%') ? pct(v) : t.limit.includes('x') ? times(v) : String(v));
    const cpu = t.cpuValue === undefined ? '' : `; by CPU time ${show(t.cpuValue)}`;
    lines.push(`  [${t.status === 'pass' ? 'PASS' : t.status === 'fail' ? 'FAIL' : ' -- '}] ${t.description}: ${show(t.value)} (target ${t.limit}${cpu})`);
  }
  lines.push(`finished in ${report.durationSec.toFixed(0)} s`);
  return lines.join('\n');
}
