import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TFJS, cleanUp, freshProject, packAll, run, type Packs, type Run } from './support.js';

/*
 * Type checks from outside: a fresh TypeScript project with typescript from the npm registry,
 * the packed @ridge/core and the plugin's tarball. A plugin's names exist in the types exactly
 * where its registering module is imported: the `declare module '@ridge/core'` augmentation is
 * in that module's .d.ts, which a program only reads when something imports it.
 */

let packs: Packs;
let dir: string;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    lib: ['ES2022', 'DOM'],
  },
};

/** One tsconfig per file, so one file's imports cannot add names to another's program. */
async function project(name: string, source: string): Promise<void> {
  await writeFile(path.join(dir, `${name}.ts`), source);
  await writeFile(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({ ...TSCONFIG, files: [`${name}.ts`] }, null, 2));
}

function tsc(name: string): Promise<Run> {
  return run(process.execPath, [path.join(dir, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${name}.json`], dir);
}

beforeAll(async () => {
  packs = await packAll(['@ridge/core', '@ridge/regularizers', 'ridge-regularizer-group-lasso']);
  dir = await freshProject('types', [
    packs.tarballs['@ridge/core'],
    packs.tarballs['ridge-regularizer-group-lasso'],
    packs.tarballs['@ridge/regularizers'],
    `@tensorflow/tfjs-core@${TFJS}`,
    'typescript@~5.9.3',
  ]);
  await project(
    'with-plugin',
    `import { getRegularizer, type RegularizerName } from '@ridge/core';
import 'ridge-regularizer-group-lasso';

export const byName = getRegularizer('groupLasso');
export const byClass = getRegularizer({ className: 'ridge-regularizer-group-lasso>GroupLasso', config: { factor: 0.1, axis: [0, 1, 2] } });
export const name: RegularizerName = 'groupLasso';
// @ts-expect-error a misspelt name is still an error
getRegularizer('groupLaso');
// @ts-expect-error the config is typed by the name
getRegularizer({ className: 'groupLasso', config: { factor: 'strong' } });
`,
  );
  await project(
    'without-plugin',
    `import { getRegularizer, type RegularizerName } from '@ridge/core';

export const r = getRegularizer('groupLasso');
export const name: RegularizerName = 'groupLasso';
`,
  );
  await project(
    'built-ins-only',
    `import { getRegularizer } from '@ridge/core';
import '@ridge/regularizers';

export const l2 = getRegularizer('l2');
export const r = getRegularizer('groupLasso');
`,
  );
  await project(
    'base-only',
    `import { getRegularizer, type RegularizerName } from '@ridge/core';
import { GroupLasso } from 'ridge-regularizer-group-lasso/base';

export const direct = new GroupLasso({ factor: 0.1 });
export const name: RegularizerName = 'groupLasso';
`,
  );
});

afterAll(async () => {
  await cleanUp([packs?.dir, dir]);
});

describe("the plugin's names in a fresh TypeScript project", () => {
  it("type-check where the plugin is imported ('groupLasso', its class name, its config)", async () => {
    const r = await tsc('with-plugin');
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it("are a compile error where it is not imported, naming 'groupLasso'", async () => {
    const r = await tsc('without-plugin');
    expect(r.code).not.toBe(0);
    const errors = r.stdout.trim().split('\n');
    expect(errors).toHaveLength(2);
    // With no regularizer registered at all, the parameter type holds no names and TypeScript
    // reports the argument as a string; a variable typed RegularizerName names the literal.
    expect(errors[0]).toMatch(/^without-plugin\.ts\(3,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'Regularizer'/);
    expect(errors[1]).toMatch(/^without-plugin\.ts\(4,\d+\): error TS2322: Type '"groupLasso"' is not assignable to type 'never'/);
  });

  it("next to the built-in names, 'groupLasso' is the one error", async () => {
    const r = await tsc('built-ins-only');
    expect(r.code).not.toBe(0);
    const errors = r.stdout.trim().split('\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^built-ins-only\.ts\(5,\d+\): error TS2345: Argument of type '"groupLasso"' is not assignable to parameter of type 'RegularizerSpec'/);
  });

  it('are a compile error where only the side-effect-free entry is imported', async () => {
    const r = await tsc('base-only');
    expect(r.code).not.toBe(0);
    const errors = r.stdout.trim().split('\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^base-only\.ts\(5,\d+\): error TS2322: Type '"groupLasso"' is not assignable to type 'never'/);
  });
});
