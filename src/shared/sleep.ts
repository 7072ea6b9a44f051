/** Resolves after `ms` milliseconds: the pause between retries, wherever something is retried. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
