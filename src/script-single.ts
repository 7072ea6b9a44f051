// The single-file <script> build (dist/affitor-tracker.single.js): everything of
// dist/affitor-tracker.js and dist/affitor-tracker.core.js in one file, for sites that want one
// request. Debug mode's extras still load on demand (affitor-tracker.debug.js).
import { boot } from './core/boot.js';

boot();
