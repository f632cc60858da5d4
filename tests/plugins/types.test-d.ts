import { dense, getRegularizer, model, input, type RegularizerName } from '@ridge/all';
import 'ridge-regularizer-group-lasso';
import { describe, expectTypeOf, it } from 'vitest';

describe('the plugin and @ridge/all in one program', () => {
  it("'groupLasso' type-checks everywhere a regularizer name does", () => {
    expectTypeOf<'groupLasso' | 'ridge-regularizer-group-lasso>GroupLasso' | 'l2'>().toExtend<RegularizerName>();
    getRegularizer({ className: 'groupLasso', config: { factor: 0.1, axis: [0, 1, 2] } });
    const inp = input({ shape: [4] });
    const m = model({ inputs: inp, outputs: dense({ units: 2, kernelRegularizer: 'groupLasso', biasRegularizer: 'l2' }).apply(inp) });
    m.compile({ optimizer: 'adam', loss: 'mse', regularization: { regularizer: 'groupLasso', include: 'kernels' } });
    m.compile({ optimizer: 'adam', loss: 'mse', regularization: 'groupLasso' });
    // @ts-expect-error a typo of the plugin's name
    m.compile({ optimizer: 'adam', loss: 'mse', regularization: 'groupLaso' });
    // @ts-expect-error the config is typed by the plugin
    getRegularizer({ className: 'groupLasso', config: { factor: 'high' } });
  });
});
