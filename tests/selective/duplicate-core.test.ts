import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NPM_FLAGS, cleanUp, freshProject, packAll, report, run, runScript, type Packs } from './support.js';

/*
 * Two versions of @ridge/core side by side, as npm lays them out when a package pins another
 * version: the app's @ridge/core 0.1.0 at the top, and a 0.1.1-copy nested under a plugin that
 * depends on it. Both copies must end up in one registry, with one warning naming both versions.
 */

let packs: Packs;
let work: string;
let dir: string;

async function npm(args: string[], cwd: string): Promise<string> {
  const r = await run('npm', [...args, ...NPM_FLAGS], cwd);
  if (r.code !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${r.stderr}`);
  return r.stdout.trim().split('\n').at(-1)!;
}

beforeAll(async () => {
  packs = await packAll(['@ridge/core', '@ridge/regularizers']);
  work = packs.dir;

  // @ridge/core repacked as 0.1.1-copy: its package.json and its VERSION constant.
  const copy = path.join(work, 'core-copy');
  await mkdir(copy);
  await run('tar', ['-xzf', packs.tarballs['@ridge/core'], '-C', copy], work);
  const pkgFile = path.join(copy, 'package/package.json');
  const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as { version: string };
  pkg.version = '0.1.1-copy';
  await writeFile(pkgFile, JSON.stringify(pkg, null, 2));
  const versionFile = path.join(copy, 'package/dist/version.js');
  const versionSource = await readFile(versionFile, 'utf8');
  expect(versionSource).toContain("VERSION = '0.1.0'");
  await writeFile(versionFile, versionSource.replace("VERSION = '0.1.0'", "VERSION = '0.1.1-copy'"));
  const copyTarball = path.join(work, await npm(['pack', '--pack-destination', work], path.join(copy, 'package')));

  // A plugin that depends on (not peers) that other version, so npm nests it under the plugin.
  const legacy = path.join(work, 'legacy-ridge-plugin');
  await mkdir(legacy);
  await writeFile(
    path.join(legacy, 'package.json'),
    JSON.stringify({
      name: 'legacy-ridge-plugin',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
      dependencies: { '@ridge/core': `file:${copyTarball}` },
    }),
  );
  await writeFile(
    path.join(legacy, 'index.js'),
    `import { VERSION, registry } from '@ridge/core';
export const coreVersion = VERSION;
registry('regularizer').register({
  kind: 'regularizer',
  name: 'legacy-ridge-plugin>Thing',
  package: 'legacy-ridge-plugin',
  create: () => ({ className: 'legacy-ridge-plugin>Thing', apply: () => { throw new Error('unused'); }, getConfig: () => ({}) }),
});
`,
  );
  const legacyTarball = path.join(work, await npm(['pack', '--pack-destination', work], legacy));

  dir = await freshProject('two-cores', [packs.tarballs['@ridge/core'], packs.tarballs['@ridge/regularizers'], legacyTarball, '@tensorflow/tfjs-core@4.22.0']);
});

afterAll(async () => {
  await cleanUp([work, dir]);
});

describe('two versions of @ridge/core installed side by side', () => {
  it('npm nests the second version under the plugin that pins it', async () => {
    const version = async (p: string) => (JSON.parse(await readFile(path.join(dir, p, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await version('node_modules/@ridge/core')).toBe('0.1.0');
    expect(await version('node_modules/legacy-ridge-plugin/node_modules/@ridge/core')).toBe('0.1.1-copy');
    expect(existsSync(path.join(dir, 'node_modules/@ridge/regularizers/node_modules/@ridge/core'))).toBe(false);
  });

  it('give one DUPLICATE_CORE warning naming both versions, and one shared registry', async () => {
    const r = await runScript(
      dir,
      'two-cores.mjs',
      `
const warnings = [];
console.warn = (...args) => warnings.push(args.map(String).join(' '));
const core = await import('@ridge/core');
await import('@ridge/regularizers');
const legacy = await import('legacy-ridge-plugin');
const fromApp = core.registry('regularizer');
console.log(JSON.stringify({
  warnings,
  appVersion: core.VERSION,
  legacyVersion: legacy.coreVersion,
  copies: core.loadedCoreCopies().map((c) => c.version),
  legacyNameSeenByApp: fromApp.resolve('legacy-ridge-plugin>Thing').package,
  builtInsStillThere: fromApp.has('l2'),
}));
`,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = report<{ warnings: string[]; appVersion: string; legacyVersion: string; copies: string[]; legacyNameSeenByApp: string; builtInsStillThere: boolean }>(r);
    expect(out.appVersion).toBe('0.1.0');
    expect(out.legacyVersion).toBe('0.1.1-copy');
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain('DUPLICATE_CORE');
    expect(out.warnings[0]).toContain('@ridge/core 0.1.1-copy');
    expect(out.warnings[0]).toContain('@ridge/core 0.1.0');
    expect(out.warnings[0]).toContain('Both use one shared registry');
    expect(out.copies).toEqual(['0.1.0', '0.1.1-copy']);
    // registered through the nested copy, resolved through the app's copy: one registry
    expect(out.legacyNameSeenByApp).toBe('legacy-ridge-plugin');
    expect(out.builtInsStillThere).toBe(true);
  });
});
