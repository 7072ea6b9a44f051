// The one way the signature tests expect a verifier to refuse: with the error class the entry
// exports, and a message saying what is wrong.
import { expect } from 'vitest';

export const rejectsWith =
  (ErrorClass: abstract new (...args: never[]) => Error) =>
  async (promise: Promise<unknown>, message: RegExp): Promise<void> => {
    const err = await promise.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    expect((err as Error).message).toMatch(message);
  };
