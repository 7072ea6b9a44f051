// What a <script> tag build does on load: configure from its own tag, then publish
// `window.affitor` and run the queue — unless a tracker is already on the page (contract §6).
import { TAG_OPTIONS, findTag, parseFlag, tagOptions } from './config.js';
import { MARKER, isTracker, publish } from './facade.js';
import { error } from './log.js';
import { tracker } from './tracker.js';

/** `extraOptions`: the names of a script variant's own tag options (`data-affitor-*`). */
export function boot(extraOptions: string[] = []) {
  try {
    // currentScript is set only while the script runs synchronously, so it is read first.
    const options = tagOptions(document.currentScript || findTag(), TAG_OPTIONS.concat(extraOptions));
    const existing: unknown = window.affitor;
    if (existing && (existing as Record<string, unknown>)[MARKER]) {
      if (parseFlag(options.debug)) console.log('[Affitor] already loaded on this page; this copy does nothing');
    } else if (isTracker(existing)) {
      error('another Affitor tracker is already on this page; this copy does nothing');
    } else {
      publish(tracker.init(options));
    }
  } catch (e) {
    error(e);
  }
}
