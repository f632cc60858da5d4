import { registry } from '@ridge/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Huber, huber } from './base.js';

describe('the side-effect-free entry', () => {
  it('exports the classes and factories without registering anything', () => {
    // This file never imports the package root, and vitest runs each test file in isolation.
    expect(huber({ delta: 2 })).toBeInstanceOf(Huber);
    expect(registry('loss').has('Huber')).toBe(false);
    expect(registry('loss').has('mse')).toBe(false);
  });

  it('package.json lists exactly the registering modules as sideEffects', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { sideEffects: string[] };
    expect([...pkg.sideEffects].sort()).toEqual(['./dist/index.js', './dist/register.js', './src/index.ts', './src/register.ts']);
    const sources = ['index.ts', 'register.ts', 'base.ts'].map((f) => readFileSync(new URL(`./${f}`, import.meta.url), 'utf8'));
    expect(sources[0]).toContain("import './register.js'");
    expect(sources[1]).toContain("registry('loss').register");
    expect(sources[2]).not.toMatch(/register\.js|registry\(/);
  });
});
