// Console output. Errors always print, with their words (docs/protocol.md §6: "errors always
// log"), and so does the one warning (a bot's withheld click). Everything else is a debug-mode decision line, logged by number (lines.ts) and printed by
// a printer that debug mode installs: the debug extras in the script, lineText in the ESM library.
// Lines noted before the printer arrives (the extras load asynchronously) wait for it, in order.
import type { Line } from './lines.js';

export type Printer = (line: Line, args: unknown[]) => void;

// Page-wide (the protocol allows one tracker per page, docs/protocol.md §8.1). `resetLog` gives a
// fresh page's values.
let debug: boolean;
let printer: Printer | undefined;
/** Lines noted before the printer arrived, in order. */
let waiting: { line: Line; args: unknown[] }[];

export function resetLog() {
  debug = false;
  printer = undefined;
  waiting = [];
}
resetLog();

export const setDebug = (on: boolean) => {
  debug = on;
};

/** A debug-mode decision line; nothing at all when debug mode is off. */
export function note(line: Line, ...args: unknown[]) {
  if (!debug) return;
  if (printer) printer(line, args);
  else waiting.push({ line, args });
}

/** Installs the printer and prints what waited for it. */
export function setPrinter(next: Printer) {
  printer = next;
  waiting.splice(0).forEach(({ line, args }) => next(line, args));
}

export const error = (...args: unknown[]) => console.error('[Affitor]', ...args);

/** What a developer must see outside debug mode without it being an error (a click withheld from a bot). */
export const warn = (text: string) => console.warn('[Affitor] ' + text);
