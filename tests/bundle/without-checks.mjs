// What the `/base` seed bundle would weigh without its error messages, and without its checks:
// bundles the fixture as tests/bundle/sizes.mjs does (minified, tfjs external), then, with
// TypeScript's parser, (1) replaces the argument of every `throw` by `0` (no message text, every
// check kept) and (2) also removes every `if (...) throw ...` without an else (no checks), and
// minifies each again so that helpers only the messages used drop out. A floor for what cutting
// messages or checks could reach; see tests/README.md (bundle/).
// Build the packages first (pnpm build). Usage: node tests/bundle/without-checks.mjs [fixture.mjs]
import path from 'node:path';
import { build, transform } from 'esbuild';
import ts from 'typescript';

const here = path.dirname(new URL(import.meta.url).pathname);
const fixture = path.resolve(process.argv[2] ?? path.join(here, 'fixtures/seed-ridge-base.mjs'));

/** `entry` bundled as tests/bundle/sizes.mjs bundles it. */
async function bundled(entry) {
  const r = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
    external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-*'], write: false, logLevel: 'silent', absWorkingDir: path.resolve(here, '..') });
  return r.outputFiles[0].text;
}
const code = await bundled(fixture);
const TFJS_LAYERS_SCRIPT = Buffer.byteLength(await bundled(path.join(here, 'fixtures/seed-tfjs-layers.mjs')));

/** `text` with each [start, end) range replaced by `by`. */
function replaced(text, ranges, by) {
  let out = text;
  for (const [s, e] of [...ranges].sort((a, b) => b[0] - a[0])) out = out.slice(0, s) + by + out.slice(e);
  return out;
}

/** The ranges of the nodes `pick` selects (not looking inside a selected node). */
function ranges(text, pick) {
  const file = ts.createSourceFile('bundle.js', text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    const range = pick(node);
    if (range) found.push(range);
    else ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const minified = async (text) => Buffer.byteLength((await transform(text, { minify: true, format: 'esm', target: 'es2022' })).code);
const share = (bytes) => `${bytes} bytes (${((100 * bytes) / TFJS_LAYERS_SCRIPT).toFixed(1)}% of tfjs-layers' script)`;

const throws = ranges(code, (n) => (ts.isThrowStatement(n) ? [n.expression.getStart(), n.expression.end] : undefined));
const noMessages = replaced(code, throws, '0');
const isThrowOnly = (s) => ts.isThrowStatement(s) || (ts.isBlock(s) && s.statements.length === 1 && ts.isThrowStatement(s.statements[0]));
const checks = ranges(noMessages, (n) => (ts.isIfStatement(n) && !n.elseStatement && isThrowOnly(n.thenStatement) ? [n.getStart(), n.end] : undefined));
const noChecks = replaced(noMessages, checks, ';');

console.log(`the bundle:                                   ${share(Buffer.byteLength(code))}`);
console.log(`every throw's message replaced by 0 (${throws.length}):      ${share(await minified(noMessages))}`);
console.log(`and every plain if-throw check removed (${checks.length}): ${share(await minified(noChecks))}`);
