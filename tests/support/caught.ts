import { RidgeError } from '@ridge/core';

/** What a call throws or rejects with (anything); fails when it neither throws nor rejects. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

/** The RidgeError a synchronous call throws; anything else is rethrown. */
export function caughtRidgeError(fn: () => unknown): RidgeError {
  try {
    fn();
  } catch (error) {
    if (RidgeError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a RidgeError, nothing was thrown');
}

/** The RidgeError a call throws or rejects with; anything else is rethrown. */
export async function rejectedRidgeError(fn: () => unknown): Promise<RidgeError> {
  const error = await caught(fn);
  if (RidgeError.is(error)) return error;
  throw error;
}
