import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { loadDigits } from '../src/cli/data.js';
import { encodeDigits } from '../src/shared/digits.js';
import { DIGIT_FILES, WASM_DIR } from './src/assets.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Files the page fetches from its own origin, so it needs no network: tfjs-backend-wasm's
 * .wasm binaries (under wasm/) and the MNIST digits. Served by the dev server, emitted by the build.
 */
function sampleAssets(): Plugin {
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const files = new Map<string, () => Uint8Array>();
  for (const name of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) files.set(`${WASM_DIR}${name}`, () => readFileSync(join(wasmDir, name)));
  // The digits the CLI uses by default (seed 1), so the page and the report train on the same data.
  let digits: ReturnType<typeof loadDigits> | undefined;
  const sets = () => (digits ??= loadDigits(1000, 1000, 1));
  files.set(DIGIT_FILES.train, () => encodeDigits(sets().train));
  files.set(DIGIT_FILES.validation, () => encodeDigits(sets().validation));
  return {
    name: 'ridge-sample-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]!).replace(/^\/+/, '');
        const make = files.get(path);
        if (!make) return next();
        res.setHeader('Content-Type', path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
        res.end(make());
      });
    },
    generateBundle() {
      for (const [fileName, make] of files) this.emitFile({ type: 'asset', fileName, source: make() });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  // One tfjs-core for the page: two copies would be two engines, each with its own backend.
  resolve: { dedupe: ['@tensorflow/tfjs-core'] },
  build: { outDir: join(here, '../dist/web'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  plugins: [sampleAssets()],
});
