import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Installs Ridge the way a user does: each package is packed with `pnpm pack` (which turns
 * `workspace:` and `catalog:` into real versions), and subsets of the tarballs are installed with
 * npm into fresh folders under the OS temp directory, outside the workspace, where nothing of
 * the monorepo can be resolved by accident. The packages must be built (`pnpm build`).
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const PACKAGE_DIRS = {
  '@ridge/core': 'packages/core',
  '@ridge/backend': 'packages/backend',
  '@ridge/regularizers': 'packages/regularizers',
  '@ridge/losses': 'packages/losses',
  '@ridge/optimizers': 'packages/optimizers',
  '@ridge/layers': 'packages/layers',
  '@ridge/testing': 'packages/testing',
  '@ridge/all': 'packages/all',
  'ridge-regularizer-group-lasso': 'apps/plugin-group-lasso',
} as const;

export type PackageName = keyof typeof PACKAGE_DIRS;

/** The versions the catalog pins; the tarballs' peer ranges name the same. */
export const TFJS = '4.22.0';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; resolves with its exit code and output, whatever the code. */
export function run(command: string, args: readonly string[], cwd: string, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) + (error && typeof error.code !== 'number' ? `\n${error.message}` : '') });
    });
  });
}

/**
 * The environment without the `npm_*` variables that pnpm and turbo set for scripts: npm reads
 * `npm_config_*` as its own settings, and the user's npm must behave as it would in a terminal.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (!/\.test(-d)?\.ts$/.test(entry.name)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

/** Fails early, and clearly, when a package has no build or a build older than its sources. */
export function checkBuilt(names: readonly PackageName[]): void {
  const problems: string[] = [];
  for (const name of names) {
    const dir = path.join(ROOT, PACKAGE_DIRS[name]);
    const entry = path.join(dir, 'dist/index.js');
    if (!existsSync(entry)) problems.push(`${name} has no dist/index.js`);
    else if (newest(path.join(dir, 'src')) > statSync(entry).mtimeMs) problems.push(`${name}'s dist is older than its src`);
  }
  if (problems.length > 0) {
    throw new Error(`The packed tarballs would not hold the current code: ${problems.join('; ')}. Run \`pnpm build\` at the repository root first.`);
  }
}

export interface Packs {
  readonly dir: string;
  readonly tarballs: Record<PackageName, string>;
}

/** Packs the given packages (default: every Ridge package and the plugin) into a new temp folder. */
export async function packAll(names: readonly PackageName[] = Object.keys(PACKAGE_DIRS) as PackageName[]): Promise<Packs> {
  checkBuilt(names);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ridge-packs-'));
  const entries = await Promise.all(
    names.map(async (name) => {
      const r = await run('pnpm', ['pack', '--pack-destination', dir, '--json'], path.join(ROOT, PACKAGE_DIRS[name]));
      if (r.code !== 0) throw new Error(`pnpm pack of ${name} failed (${r.code}):\n${r.stderr}${r.stdout}`);
      const info = JSON.parse(r.stdout) as { filename: string };
      return [name, info.filename] as const;
    }),
  );
  return { dir, tarballs: Object.fromEntries(entries) as Record<PackageName, string> };
}

/** The package.json of a packed tarball, as npm will see it. */
export async function packedManifest(tarball: string): Promise<Record<string, unknown>> {
  const r = await run('tar', ['-xzOf', tarball, 'package/package.json'], path.dirname(tarball));
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/**
 * A fresh folder under the OS temp directory with a plain `package.json` (what `npm init -y`
 * writes, plus `"type": "module"`), and `specs` installed with npm: tarball paths and registry
 * specs such as `@tensorflow/tfjs-core@4.22.0`.
 */
export async function freshProject(label: string, specs: readonly string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `ridge-${label}-`));
  const manifest = { name: `ridge-selective-${label}`, version: '1.0.0', private: true, type: 'module' };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const r = await run('npm', ['install', ...NPM_FLAGS, ...specs], dir);
  if (r.code !== 0) {
    await cleanUp([dir]);
    throw new Error(`npm install of ${specs.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  }
  return dir;
}

/** Writes `source` as `<name>` in `dir` and runs it with this Node. */
export async function runScript(dir: string, name: string, source: string): Promise<Run> {
  await writeFile(path.join(dir, name), source);
  return run(process.execPath, [name], dir);
}

/** The last line of a script's stdout, parsed: scripts print one JSON report at the end. */
export function report<T = Record<string, unknown>>(r: Run): T {
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`The script printed no JSON report (exit ${r.code}).\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** The installed `@ridge/*` and plugin packages of a project, with their versions. */
export async function installedRidge(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const scope = path.join(dir, 'node_modules/@ridge');
  const names = existsSync(scope) ? readdirSync(scope).map((n) => `@ridge/${n}`) : [];
  if (existsSync(path.join(dir, 'node_modules/ridge-regularizer-group-lasso'))) names.push('ridge-regularizer-group-lasso');
  for (const n of names) {
    out[n] = (JSON.parse(await readFile(path.join(dir, 'node_modules', n, 'package.json'), 'utf8')) as { version: string }).version;
  }
  return out;
}

/** Removes temp folders unless RIDGE_KEEP_TMP is set (to look at them after a failure). */
export async function cleanUp(dirs: readonly (string | undefined)[]): Promise<void> {
  if (process.env['RIDGE_KEEP_TMP']) return;
  await Promise.all(dirs.filter((d): d is string => d !== undefined).map((d) => rm(d, { recursive: true, force: true })));
}
