// The debug extras as their own file (dist/affitor-tracker.debug.js): fetched by a script in debug
// mode from beside itself (core/boot.ts), it hands its entry point to the core through its own
// `<script>` element. Visitors of sites without debug mode never download it.
import { DEBUG_EXTRAS_HANDOVER } from './core/boot.js';
import { runDebugExtras } from './core/debug.js';

try {
  const handover = document.currentScript && (document.currentScript as unknown as Record<string, unknown>)[DEBUG_EXTRAS_HANDOVER];
  if (typeof handover == 'function') (handover as (run: typeof runDebugExtras) => void)(runDebugExtras);
  else console.error('[Affitor] affitor-tracker.debug.js is loaded by the tracker itself in debug mode; a tag of its own does nothing');
} catch (e) {
  console.error('[Affitor]', e);
}
