// affitor-tracker/testing: attribution checked in the integrator's own tests (Node). The sandbox
// for tests and its assertions; the MSW handlers are affitor-tracker/testing/msw and the
// Playwright fixture affitor-tracker/testing/playwright, so each loads only its own test library.
export { startTestSandbox, type TestSandbox, type TestSandboxOptions } from './sandbox.js';
export {
  AttributionAssertionError,
  type AttributionRecorder,
  type ClickMatch,
  type CustomerMatch,
  type JourneyMatch,
  type LeadMatch,
  type RefundMatch,
  type SaleMatch,
  type WaitOptions,
} from './expectations.js';
export type { Journey, RecordedClick, RecordedLead, RecordedRefund, RecordedRequest, RecordedSale } from './records.js';
