// Publishing the tracker as `window.affitor` and running `window.affitorQueue` (protocol §6).
import { error } from './log.js';
import type { AffitorApi, AffitorQueueCommand } from './types.js';

/** Property that tells our tracker from anyone else's `window.affitor` (double-load guard). */
export const MARKER = '$affitor';

/** A real tracker (ours or Affitor's own), as opposed to a queue stub or an unrelated value. */
export const isTracker = (value: unknown): value is AffitorApi =>
  !!value && typeof (value as AffitorApi).signup == 'function' && typeof (value as AffitorApi).getClickId == 'function';

export function publish(tracker: AffitorApi) {
  window.affitor = tracker;
  let queue = window.affitorQueue;
  if (!Array.isArray(queue)) queue = window.affitorQueue = [];
  const run = (command: AffitorQueueCommand) => {
    try {
      (tracker as unknown as Record<string, (...args: unknown[]) => unknown>)[command[0]](...command.slice(1));
    } catch (e) {
      error('Bad command:', command, e);
    }
  };
  while (queue.length) run(queue.shift()!);
  // From now on a push runs at once; nothing is stored, so the length stays 0.
  queue.push = (...commands: AffitorQueueCommand[]) => {
    commands.forEach(run);
    return queue!.length;
  };
}
