// The `.plus` <script> build (dist/affitor-tracker.plus.js): the main script plus the features not
// every site needs — hand-off to other domains (`data-affitor-domains`), `data-affitor-clean-url`,
// Stripe links (`data-affitor-stripe`) and Lemon Squeezy links (`data-affitor-lemon-squeezy`) — kept
// out of the main script's 2,000 B budget.
import { boot } from './core/boot.js';
import { enablePlus } from './core/plus.js';

enablePlus();
boot(['domains', 'clean-url', 'stripe', 'lemon-squeezy']);
