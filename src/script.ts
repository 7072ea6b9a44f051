// The every-page <script> build (dist/affitor-tracker.js): src/loader/loader.ts. What only a
// landing, a signup or a rare path needs is in dist/affitor-tracker.core.js (script-core.ts),
// loaded from beside it on demand; affitor-tracker.single.js is both in one file (script-single.ts).
import { startLoader } from './loader/loader.js';

startLoader();
