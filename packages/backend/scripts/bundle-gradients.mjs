// tfjs-core ships its gradients only as `dist/register_all_gradients.js`, whose extensionless
// imports Node's ESM loader refuses, and which would pull a second copy of every op into a
// bundle. This script bundles just the gradient definitions and rewrites each of their imports
// to tfjs-core's public API, so the result holds no tfjs-core internals and shares the one
// engine the user's `@tensorflow/tfjs-core` created.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
const coreDist = path.dirname(require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js'));
const outfile = path.resolve(process.argv[2] ?? 'dist/tfjs-gradients.js');

const namespaces = { root: tf, backend_util: tf.backend_util, util: tf.util };

/** Where a public name lives: the root of tfjs-core, or one of its exported namespaces. */
function home(name) {
  for (const [ns, obj] of Object.entries(namespaces)) if (obj && name in obj) return ns;
  return undefined;
}

/** Private names with a public equivalent that shares the same global state. */
const PUBLIC_EQUIVALENT = {
  ENGINE: (alias) => [`import { engine as __engine } from '@tensorflow/tfjs-core';`, `const ${alias} = __engine();`],
  getGlobalTensorClass: (alias) => [
    `import { Tensor as __Tensor } from '@tensorflow/tfjs-core';`,
    `const ${alias} = () => __Tensor;`,
  ],
};

function rewrite(source, file) {
  const lines = [];
  const problems = [];
  void file;
  const body = source.replace(
    /^import\s+(?:\*\s+as\s+(\w+)|\{([^}]*)\})\s+from\s+'([^']+)';\s*$/gm,
    (whole, star, named, spec) => {
      const target = path.resolve(path.dirname(file), spec);
      // Sibling gradient helpers are bundled as they are.
      if (target.startsWith(path.join(coreDist, 'gradients'))) return whole;
      // Each name goes to the public API when it is there; the rest (a few backprop ops that
      // tfjs-core does not export) stay as imports of the original module, which is bundled.
      if (star) {
        const used = [...source.matchAll(new RegExp(`\\b${star}\\.(\\w+)`, 'g'))].map((m) => m[1]);
        const ns = ['util', 'backend_util'].find((n) => used.every((u) => u in namespaces[n]));
        if (!ns) problems.push(`${star}.{${used.join(',')}} from ${spec}`);
        lines.push(`import { ${ns} as ${star} } from '@tensorflow/tfjs-core';`);
        return '';
      }
      const kept = [];
      for (const part of named.split(',').map((s) => s.trim()).filter(Boolean)) {
        const [name, alias = name] = part.split(/\s+as\s+/);
        if (name in PUBLIC_EQUIVALENT) {
          lines.push(...PUBLIC_EQUIVALENT[name](alias));
          continue;
        }
        const ns = home(name);
        if (!ns) kept.push(part);
        else if (ns === 'root') lines.push(`import { ${name} as ${alias} } from '@tensorflow/tfjs-core';`);
        else {
          lines.push(`import { ${ns} as __${ns} } from '@tensorflow/tfjs-core';`);
          lines.push(`const ${alias} = __${ns}.${name};`);
        }
      }
      return kept.length ? `import { ${kept.join(', ')} } from '${spec}';` : '';
    },
  );
  if (problems.length) throw new Error(`${file}: not in tfjs-core's public API: ${problems.join('; ')}`);
  // Repeated identical import lines are merged by esbuild; identical const lines are not.
  return [...new Set(lines)].join('\n') + '\n' + body;
}

await mkdir(path.dirname(outfile), { recursive: true });
await build({
  entryPoints: [path.join(coreDist, 'register_all_gradients.js')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  external: ['@tensorflow/tfjs-core'],
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [
    {
      name: 'tfjs-core-public-api',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const base = path.resolve(args.resolveDir, args.path);
          return { path: base.endsWith('.js') ? base : `${base}.js` };
        });
        b.onLoad({ filter: /\.js$/ }, async (args) => {
          const source = await readFile(args.path, 'utf8');
          return { contents: rewrite(source, args.path), loader: 'js', resolveDir: path.dirname(args.path) };
        });
      },
    },
  ],
});
console.log(`bundled tfjs-core gradients -> ${path.relative(process.cwd(), outfile)}`);
