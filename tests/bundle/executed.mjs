// How much of the `/base` seed bundle the seed script actually runs: bundles the fixture for Node
// (unminified, tfjs external), runs it under V8 coverage, and prints per input file the minified
// bytes (as tests/bundle/sizes.mjs measures them) and the share of its code that never ran (error
// paths, options the script does not pass, features behind hooks). The sum of the executed shares
// is a floor for what any split into entries could reach without cutting checks or messages.
// Build the packages first (pnpm build). Usage: node tests/bundle/executed.mjs [fixture.mjs]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const here = path.dirname(new URL(import.meta.url).pathname);
const fixture = path.resolve(process.argv[2] ?? path.join(here, 'fixtures/seed-ridge-base.mjs'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ridge-executed-'));
// The bundle must sit where Node resolves @tensorflow/* from the tests package.
const bundleFile = path.join(here, `.executed-${process.pid}.mjs`);
try {
  await build({ entryPoints: [fixture], bundle: true, format: 'esm', platform: 'node', target: 'es2022',
    external: ['@tensorflow/*'], outfile: bundleFile, absWorkingDir: path.resolve(here, '..'), logLevel: 'warning' });
  execFileSync(process.execPath, [bundleFile], { env: { ...process.env, NODE_V8_COVERAGE: tmp }, stdio: 'ignore' });
  const src = fs.readFileSync(bundleFile, 'utf8');
  const script = fs.readdirSync(tmp).flatMap((f) => JSON.parse(fs.readFileSync(path.join(tmp, f), 'utf8')).result)
    .find((s) => s.url.endsWith(path.basename(bundleFile)));
  // Per character: the count of the innermost range that covers it (V8 lists outer ranges first).
  const count = new Int32Array(src.length).fill(-1);
  for (const fn of script.functions) for (const r of fn.ranges) count.fill(r.count, r.startOffset, r.endOffset);
  const marks = [...src.matchAll(/^\/\/ (\S+)$/gm)].map((m) => [m.index, m[1].replace(/^(\.\.\/)+/, '')]);
  const share = new Map();
  marks.forEach(([start, file], k) => {
    const end = k + 1 < marks.length ? marks[k + 1][0] : src.length;
    let all = 0, unrun = 0;
    for (let i = start; i < end; i++) if (!/\s/.test(src[i])) { all++; if (count[i] === 0) unrun++; }
    share.set(file, all > 0 ? unrun / all : 0);
  });
  const sizes = execFileSync(process.execPath, [path.join(here, 'sizes.mjs'), fixture], { encoding: 'utf8' })
    .trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)).map(([b, f]) => [Number(b), f]);
  let total = 0, executed = 0;
  const rows = sizes.map(([bytes, file]) => {
    const unrun = share.get(file) ?? 0;
    total += bytes; executed += bytes * (1 - unrun);
    return [bytes, Math.round(bytes * unrun), file];
  }).sort((a, b) => b[1] - a[1]);
  console.log(`minified ${total} bytes; run by the script ~${Math.round(executed)}; never run ~${Math.round(total - executed)}`);
  console.log('  bytes  unrun  file');
  for (const [bytes, unrun, file] of rows) if (unrun > 0) console.log(String(bytes).padStart(7), String(unrun).padStart(6), file);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(bundleFile, { force: true });
}
