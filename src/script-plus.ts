// The `.plus` <script> build (dist/affitor-tracker.plus.js): the main script plus consent mode and
// the features not every site needs — hand-off to other domains (`data-affitor-domains`),
// `data-affitor-clean-url`, Stripe links (`data-affitor-stripe`) and Lemon Squeezy links
// (`data-affitor-lemon-squeezy`) — kept out of the main script.
import { boot } from './core/boot.js';
import { createConsent } from './core/consent.js';
import { enablePlus } from './core/plus.js';
import { useConsentMode } from './core/tracker.js';

useConsentMode(createConsent);
enablePlus();
boot(['domains', 'clean-url', 'stripe', 'lemon-squeezy']);
