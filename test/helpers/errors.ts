import { isAppError } from '../../src/core/errors.js';

/** The AppError code a promise rejects with; fails the test when it resolves or throws anything else. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  throw new Error('expected an error');
}
