import { getInitializer } from '@ridge/core';
import { describe, expect, it } from 'vitest';
import '../register.js';

describe('initializer configs', () => {
  it('an unknown key is INVALID_CONFIG naming the class and the key, with the closest known key', () => {
    expect(() => getInitializer({ className: 'GlorotUniform', config: { sed: 1 } } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/GlorotUniform: unknown config key "sed" \(set to 1\)\. Did you mean 'seed'\?/) }),
    );
    expect(() => getInitializer({ className: 'Zeros', config: { value: 1 } } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('Zeros: unknown config key "value"') }),
    );
  });
});
