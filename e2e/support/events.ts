// The events helper, in the spirit of Plausible's expectPlausibleInAction: run an action, wait for
// N requests to an endpoint, let the page settle, then assert the EXACT count; bodies are asserted
// exactly with the builders below (every key, every value; matchers only for random/time fields).
import { expect, type Page } from '@playwright/test';
import { describeRequests, type ApiServer, type Endpoint, type RecordedRequest } from './api-server';

export interface ExpectCallsOptions {
  endpoint: Endpoint;
  /** Exact number of POSTs expected to `endpoint` during the action and the settle time. */
  count: number;
  action?: () => Promise<unknown>;
  /** How long to keep listening after the count is reached (default 600 ms; 1500 ms when count is 0). */
  settleMs?: number;
  timeoutMs?: number;
}

/** POSTs to `endpoint` that arrived during `action` (+ settle); fails unless there are exactly `count`. */
export async function expectApiCalls(api: ApiServer, o: ExpectCallsOptions): Promise<RecordedRequest[]> {
  const before = api.posts(o.endpoint).length;
  if (o.action) await o.action();
  if (o.count > 0) await api.waitFor(o.endpoint, before + o.count, o.timeoutMs ?? 10_000);
  await new Promise((r) => setTimeout(r, o.settleMs ?? (o.count === 0 ? 1500 : 600)));
  const got = api.posts(o.endpoint).slice(before);
  expect(got.length, `POSTs to /api/v1/track/${o.endpoint}; all requests:\n${describeRequests(api.requests)}`).toBe(o.count);
  return got;
}

/** `session_id` format of protocol §3.3: 'sess_' + 9 base-36 chars + '_' + Date.now(). */
export const SESSION_ID_PATTERN = /^sess_[0-9a-z]{9}_(\d{13})$/;
export const anySessionId = () => expect.stringMatching(SESSION_ID_PATTERN);

/** The `Date.now()` part of a session id. */
export const sessionTime = (sessionId: string) => Number(SESSION_ID_PATTERN.exec(sessionId)?.[1]);

export interface DeviceFields {
  user_agent: string;
  language: string;
  timezone: string;
  screen_resolution: string;
  viewport_size: string;
}

/** The device fields of §3.3 as this page sees them. */
export function deviceFields(page: Page): Promise<DeviceFields> {
  return page.evaluate(() => ({
    user_agent: navigator.userAgent,
    language: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen_resolution: `${screen.width}x${screen.height}`,
    viewport_size: `${innerWidth}x${innerHeight}`,
  }));
}

export interface ClickFields {
  affiliate_url: string;
  /** Default: `affiliate_url`. */
  page_url?: string;
  /** Default: 'Shop' (the fixture title). */
  page_title?: string;
  /** Default: '' (typed-in visit). */
  referrer_url?: string;
  /** Default: any well-formed session id. */
  session_id?: unknown;
  existing_click_id?: string;
  additional_data?: Record<string, unknown>;
}

/** The exact click body of protocol §3.3 (optional keys only when given). */
export function clickBody(device: DeviceFields, f: ClickFields): Record<string, unknown> {
  const body: Record<string, unknown> = {
    affiliate_url: f.affiliate_url,
    page_url: f.page_url ?? f.affiliate_url,
    page_title: f.page_title ?? 'Shop',
    referrer_url: f.referrer_url ?? '',
    session_id: f.session_id ?? anySessionId(),
    ...device,
  };
  if (f.existing_click_id !== undefined) body.existing_click_id = f.existing_click_id;
  if (f.additional_data !== undefined) body.additional_data = f.additional_data;
  return body;
}

export interface LeadFields {
  customer_key: string | null;
  email: string | null;
  click_id: string | null;
  click_ids: string[];
  page_url: string;
  program_id: number | null;
  has_attribution: boolean;
  debug_mode?: boolean;
  session_id?: unknown;
}

/** The exact lead body of protocol §3.6. */
export function leadBody(f: LeadFields): Record<string, unknown> {
  return {
    customer_key: f.customer_key,
    email: f.email,
    click_id: f.click_id,
    click_ids: f.click_ids,
    page_url: f.page_url,
    session_id: f.session_id ?? anySessionId(),
    program_id: f.program_id,
    has_attribution: f.has_attribution,
    debug_mode: f.debug_mode ?? false,
  };
}
