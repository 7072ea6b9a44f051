// The <script> tag build (dist/affitor-tracker.js): configure from its own tag, then publish
// `window.affitor` and run the queue — unless a tracker is already on the page (contract §6).
import { findTag, parseDebug, tagOptions } from './core/config';
import { MARKER, isTracker, publish } from './core/facade';
import { error } from './core/log';
import { tracker } from './core/tracker';

try {
  // currentScript is set only while this file runs synchronously, so it is read first.
  const options = tagOptions(document.currentScript || findTag());
  const existing: any = window.affitor;
  if (existing && existing[MARKER]) {
    if (parseDebug(options.debug)) console.log('[Affitor] already loaded on this page; this copy does nothing');
  } else if (isTracker(existing)) {
    error('another Affitor tracker is already on this page; this copy does nothing');
  } else {
    publish(tracker.init(options));
  }
} catch (e) {
  error(e);
}
