// Console output. Errors always print, with their words (docs/protocol.md §6: "errors always
// log"). Everything else is a debug-mode decision line, logged by number (lines.ts) and printed by
// a printer that debug mode installs: the debug extras in the script, lineText in the ESM library.
// Lines noted before the printer arrives (the extras load asynchronously) wait for it, in order.
import type { Line } from './lines.js';

export type Printer = (line: Line, args: unknown[]) => void;

/** Page-wide: the protocol allows one tracker per page (docs/protocol.md §8.1). */
const state = {
  debug: false,
  printer: undefined as Printer | undefined,
  waiting: [] as [Line, unknown[]][],
};

export const debugOn = () => state.debug;

export const setDebug = (on: boolean) => {
  state.debug = on;
};

/** A debug-mode decision line; nothing at all when debug mode is off. */
export function note(line: Line, ...args: unknown[]) {
  if (!state.debug) return;
  if (state.printer) state.printer(line, args);
  else state.waiting.push([line, args]);
}

/** Installs the printer and prints what waited for it. */
export function setPrinter(printer: Printer) {
  state.printer = printer;
  state.waiting.splice(0).forEach(([line, args]) => printer(line, args));
}

export const error = (...args: unknown[]) => console.error('[Affitor]', ...args);

/** Test hook: a fresh page. */
export const resetLog = () => {
  state.debug = false;
  state.printer = undefined;
  state.waiting = [];
};
