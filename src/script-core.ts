// The core as a file of its own (dist/affitor-tracker.core.js): the every-page script
// (src/loader/loader.ts) loads it from beside itself when a page needs more than a plain visit, and
// it takes the page over from there (core/handover.ts): the tag's options, the session, the
// landing's click in flight, the calls made meanwhile, in order. In debug mode it fetches the debug
// extras from the same directory.
import { debugExtrasLoader } from './core/boot.js';
import { tagOptions } from './core/config.js';
import { handover } from './core/handover.js';
import { forgetWrittenLeads } from './core/lead.js';
import { error } from './core/log.js';
import { debugHooks, tracker } from './core/tracker.js';

const run = tracker as unknown as Record<string, (...args: unknown[]) => unknown>;

if (handover) {
  const page = handover;
  // After the loader's landing decision: under Web Locks it may still wait for the lock.
  void Promise.resolve(page.decided).then(() => {
    try {
      // The leads the loader wrote ahead for the calls below: each call stores its own.
      forgetWrittenLeads(page.leads);
      debugHooks.run = debugExtrasLoader(page.tag ? page.tag.src : undefined);
      tracker.init(tagOptions(page.tag));
    } catch (e) {
      error(e);
    }
    // The calls made before the core arrived, in order; a call one of them makes meanwhile joins the end.
    while (page.calls.length) {
      const [method, args, settle] = page.calls.shift()!;
      try {
        settle(run[method](...args));
      } catch (e) {
        error('Bad command:', [method, ...args], e);
        settle(undefined);
      }
    }
    page.core = tracker;
    // The facade's getters answered from the cookies; from now on they are the core's, which also
    // knows what this page's memory holds. Its calls go to the core through page.core.
    const facade = window.affitor as unknown as Record<string, unknown> | undefined;
    if (facade && facade.$affitor) {
      Object.defineProperty(facade, 'programId', { get: () => tracker.programId });
      facade.getClickId = () => tracker.getClickId();
      facade.getClickIds = () => tracker.getClickIds();
      facade.getData = () => tracker.getData();
    }
  });
} else error('affitor-tracker.core.js is loaded by affitor-tracker.js, from beside it; a tag of its own does nothing');
