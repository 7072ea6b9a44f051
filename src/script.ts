// The <script> tag build (dist/affitor-tracker.js): everything of docs/protocol.md §2–protocol §7 and the
// bot filter, a same-origin API base and `optOut()`. Consent mode is in affitor-tracker.consent.js
// (script-consent.ts); this script given `data-affitor-consent="required"` stores and sends nothing.
// Debug mode's extras load on demand (affitor-tracker.debug.js). More in script-plus.ts.
import { boot } from './core/boot.js';

boot();
