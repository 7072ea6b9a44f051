// The optional features, switched on by the `.plus` script and by the ESM library's `init`.
import { crossDomain } from './cross-domain.js';
import { rescanEmbeds } from './decorate.js';
import { lemonSqueezyLinks } from './lemon-squeezy-links.js';
import { stripeLinks } from './stripe-links.js';
import { features } from './tracker.js';

/** Adds them to every attribution pass (once); the embed rescan comes last, after a hand-off is adopted. */
export function enablePlus() {
  if (features.indexOf(rescanEmbeds) < 0) features.push(crossDomain, stripeLinks, lemonSqueezyLinks, rescanEmbeds);
}
