// What a <script> tag build does on load: configure from its own tag, then publish
// `window.affitor` and run the queue — unless a tracker is already on the page (docs/protocol.md
// protocol §6). In debug mode it fetches the debug extras from beside its own URL (debug-extras.ts).
import { TAG_OPTIONS, findTag, parseFlag, tagOptions } from './config.js';
import { MARKER, isTracker, publish } from './facade.js';
import { error } from './log.js';
import { type DebugContext, debugHooks, tracker } from './tracker.js';

/** Beside the script, whatever its variant: served from the same origin and directory. */
export const DEBUG_EXTRAS_FILE = 'affitor-tracker.debug.js';
/** Property of the extras' `<script>` element through which the extras hand over their entry point. */
export const DEBUG_EXTRAS_HANDOVER = 'affitorDebug';

type Run = (context: DebugContext) => void;

/**
 * Runs the debug extras, loading them on first use from `scriptUrl`'s directory: same origin, so
 * a CSP that allows the script allows them. Passes made before they arrive wait for them, in
 * order; where they cannot load, one error names the file and debug mode only notes its lines.
 */
export function debugExtrasLoader(scriptUrl: string | undefined): Run {
  let url = DEBUG_EXTRAS_FILE;
  let extras: Promise<Run | void> | undefined;
  return (context) => {
    extras =
      extras ||
      new Promise<Run>((loaded, failed) => {
        // Throws (→ failed) without a script URL to resolve against.
        url = new URL(DEBUG_EXTRAS_FILE, scriptUrl).href;
        const script = document.createElement('script');
        (script as unknown as Record<string, (extras: Run) => void>)[DEBUG_EXTRAS_HANDOVER] = loaded;
        script.onerror = () => failed();
        script.src = url;
        document.head.appendChild(script);
      }).catch((e) => error('Debug mode could not load ' + url + ' (CSP script-src? not served beside the tracker?)', e || ''));
    void extras.then((run) => run && run(context));
  };
}

/** `extraOptions`: the names of a script variant's own tag options (`data-affitor-*`). */
export function boot(extraOptions: string[] = []) {
  try {
    // currentScript is set only while the script runs synchronously, so it is read first.
    const tag = (document.currentScript || findTag()) as HTMLScriptElement | null;
    const options = tagOptions(tag, TAG_OPTIONS.concat(extraOptions));
    const existing: unknown = window.affitor;
    if (existing && (existing as Record<string, unknown>)[MARKER]) {
      if (parseFlag(options.debug)) console.log('[Affitor]', 'already loaded on this page; this copy does nothing');
    } else if (isTracker(existing)) {
      error('another Affitor tracker is already on this page; this copy does nothing');
    } else {
      debugHooks.run = debugExtrasLoader(tag ? tag.src : undefined);
      publish(tracker.init(options));
    }
  } catch (e) {
    error(e);
  }
}
