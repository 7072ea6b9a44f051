// The consent-mode <script> build (dist/affitor-tracker.consent.js): the main script plus consent
// mode (`data-affitor-consent="required"`, `consent(true|false)`), which only sites that ask the
// visitor first need.
import { boot } from './core/boot.js';
import { createConsent } from './core/consent.js';
import { useConsentMode } from './core/tracker.js';

useConsentMode(createConsent);
boot();
