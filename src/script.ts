// The <script> tag build (dist/affitor-tracker.js): everything of contract §2–§7 plus consent mode,
// bot filtering and a same-origin API base. dist/affitor-tracker.plus.js adds more (script-plus.ts).
import { boot } from './core/boot.js';

boot();
