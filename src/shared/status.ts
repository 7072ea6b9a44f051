// Which answers are worth another attempt: one rule for the browser script and the server client.

/**
 * No answer (0), 408, 429 or 5xx: a later attempt of the same request may succeed; any other
 * status is final. Written with loose comparisons because the script ships every byte.
 */
export const isRetryable = (status: number) => !status || status == 408 || status == 429 || status > 499;
