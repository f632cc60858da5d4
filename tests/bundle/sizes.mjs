// Prints the minified size of a bundled fixture (default: the seed model with the /base entries) and
// the bytes each input file contributes, largest first. Build the packages first (pnpm build).
// Usage: node tests/bundle/sizes.mjs [fixture.mjs] [write-bundle-to.js]
import { build } from 'esbuild';
import path from 'node:path';
const fx = path.resolve(process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/seed-ridge-base.mjs'));
const r = await build({ entryPoints: [fx], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
  external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-*'], metafile: true, write: false, logLevel: 'silent',
  absWorkingDir: path.resolve(path.dirname(new URL(import.meta.url).pathname), '..') });
const out = r.outputFiles[0].contents;
console.log('total', out.byteLength);
const meta = Object.values(r.metafile.outputs)[0];
const rows = Object.entries(meta.inputs).map(([f, v]) => [v.bytesInOutput, f.replace(/^(\.\.\/)+/, '')]).sort((a, b) => b[0] - a[0]);
for (const [b, f] of rows) if (b > 0) console.log(String(b).padStart(7), f);
if (process.argv[3]) (await import('node:fs')).writeFileSync(process.argv[3], out);
