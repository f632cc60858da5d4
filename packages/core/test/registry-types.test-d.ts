import { describe, expectTypeOf, it } from 'vitest';
import {
  getLoss,
  getRegularizer,
  registries,
  type LossName,
  type Optimizer,
  type Regularizer,
  type RegularizerName,
  type RegularizerSpec,
} from '../src/index.js';
import './fixtures/cube-plugin.js';

describe('registry types', () => {
  it("a plugin's declare module adds its names", () => {
    expectTypeOf<'cube'>().toMatchTypeOf<RegularizerName>();
    expectTypeOf<'cube-plugin>Cube'>().toMatchTypeOf<RegularizerName>();
    expectTypeOf(getRegularizer('cube')).toEqualTypeOf<Regularizer>();
    getRegularizer({ className: 'cube-plugin>Cube', config: { factor: 0.5 } });
    registries.regularizer.get('cube');
  });

  it('an unregistered name is a compile error', () => {
    // @ts-expect-error 'cub' is not a registered regularizer name
    getRegularizer('cub');
    // @ts-expect-error a className must be registered too
    getRegularizer({ className: 'Cube', config: {} });
    // @ts-expect-error the config is typed by the name
    getRegularizer({ className: 'cube', config: { factor: 'big' } });
    // @ts-expect-error registry.get is typed the same way
    registries.regularizer.get('cub');
  });

  it('a name of one kind is not a name of another kind', () => {
    expectTypeOf<'cube'>().not.toMatchTypeOf<LossName>();
    // @ts-expect-error 'cube' is a regularizer, not a loss
    getLoss('cube');
  });

  it('has() narrows a runtime string to a registered name', () => {
    const name: string = JSON.parse('"cube"') as string;
    if (registries.regularizer.has(name)) {
      expectTypeOf(name).toEqualTypeOf<RegularizerName>();
      registries.regularizer.get(name);
    }
    expectTypeOf<RegularizerSpec>().toMatchTypeOf<RegularizerName | Regularizer | { className: string }>();
  });

  it("an Optimizer's learningRate is read and set as a number; iterations is read-only", () => {
    expectTypeOf<Optimizer['learningRate']>().toEqualTypeOf<number>();
    const optimizer = {} as Optimizer;
    // Settable (callbacks such as reduceLROnPlateau set it); a compile error while it was readonly.
    optimizer.learningRate = optimizer.learningRate * 0.5;
    // @ts-expect-error the learning rate is a number
    optimizer.learningRate = '0.1';
    // @ts-expect-error iterations counts the steps applied; it is not set from outside
    optimizer.iterations = 3;
  });
});
