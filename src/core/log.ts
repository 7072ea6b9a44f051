// Console output. Errors always print; everything else only in debug mode (contract §6, §7).
// Like all tracker state this is page-wide: the contract allows one tracker per page (§8.1).

export let debugOn = false;

export const setDebug = (on: boolean) => {
  debugOn = on;
};

const print =
  (method: 'log' | 'warn' | 'error') =>
  (...args: unknown[]) => {
    if (debugOn || method == 'error') console[method]('[Affitor]', ...args);
  };

export const log = print('log');
export const warn = print('warn');
export const error = print('error');
