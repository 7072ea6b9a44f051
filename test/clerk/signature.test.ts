// Our WebCrypto verifier against svix-* headers signed by the `svix` package, cross-checked with
// svix's own `Webhook#verify` (what Clerk's docs use): both accept and refuse the same deliveries.
import { Webhook, WebhookVerificationError } from 'svix';
import { describe, expect, it } from 'vitest';
import { verifyClerkWebhook, WebhookSignatureError } from '../../src/clerk/index';
import { rejectsWith } from '../webhooks/signature';
import { CLERK_SECRET, clerkEvent, signClerk } from './fixtures';

const rejects = rejectsWith(WebhookSignatureError);
const svix = new Webhook(CLERK_SECRET);

describe('verifyClerkWebhook', () => {
  it('accepts what svix accepts and returns the raw event with its svix-id', async () => {
    for (const event of [clerkEvent('user.created'), clerkEvent('session.created')]) {
      const { rawBody, headers } = signClerk(event, { id: 'msg_accept' });
      expect(svix.verify(rawBody, headers)).toEqual(JSON.parse(rawBody));
      expect(await verifyClerkWebhook(rawBody, headers, CLERK_SECRET)).toEqual({ event: JSON.parse(rawBody), messageId: 'msg_accept' });
    }
  });

  it('rejects what svix rejects: a tampered body, another endpoint\'s secret', async () => {
    const { rawBody, headers } = signClerk(clerkEvent('user.created'));
    const tampered = rawBody.replace('user_2abcUSER', 'user_2other');
    expect(() => svix.verify(tampered, headers)).toThrow(WebhookVerificationError);
    await rejects(verifyClerkWebhook(tampered, headers, CLERK_SECRET), /No signature matches the body/);
    const other = signClerk(clerkEvent('user.created'), { secret: 'whsec_' + Buffer.from('another-endpoint-key').toString('base64') });
    expect(() => svix.verify(other.rawBody, other.headers)).toThrow(WebhookVerificationError);
    await rejects(verifyClerkWebhook(other.rawBody, other.headers, CLERK_SECRET), /check the Signing Secret/);
  });

  it('the id is signed: the same body and signature under another svix-id fail', async () => {
    const { rawBody, headers } = signClerk(clerkEvent('user.created'));
    const moved = { ...headers, 'svix-id': 'msg_other' };
    expect(() => svix.verify(rawBody, moved)).toThrow(WebhookVerificationError);
    await rejects(verifyClerkWebhook(rawBody, moved, CLERK_SECRET), /No signature matches/);
  });

  it('secret rotation: accepts when any of several v1 signatures matches; skips other versions', async () => {
    const old = 'whsec_' + Buffer.from('the-previous-signing-key').toString('base64');
    const { rawBody, headers } = signClerk(clerkEvent('user.created'), { secret: old, extraSecrets: [CLERK_SECRET] });
    await expect(verifyClerkWebhook(rawBody, headers, CLERK_SECRET)).resolves.toBeTruthy();
    const withOtherVersion = { ...headers, 'svix-signature': `v1a,AAAA ${headers['svix-signature']}` };
    expect(svix.verify(rawBody, withOtherVersion)).toBeTruthy();
    await expect(verifyClerkWebhook(rawBody, withOtherVersion, CLERK_SECRET)).resolves.toBeTruthy();
  });

  it('rejects a timestamp outside 5 minutes either way, as svix does; the tolerance is an option', async () => {
    const old = signClerk(clerkEvent('user.created'), { timestamp: new Date(Date.now() - 301_000) });
    expect(() => svix.verify(old.rawBody, old.headers)).toThrow(/too old/);
    await rejects(verifyClerkWebhook(old.rawBody, old.headers, CLERK_SECRET), /svix-timestamp timestamp is 30\d s old, outside the 300 s tolerance/);
    await expect(verifyClerkWebhook(old.rawBody, old.headers, CLERK_SECRET, { toleranceSeconds: 600 })).resolves.toBeTruthy();
    const future = signClerk(clerkEvent('user.created'), { timestamp: new Date(Date.now() + 3_600_000) });
    expect(() => svix.verify(future.rawBody, future.headers)).toThrow(/too new/);
    await rejects(verifyClerkWebhook(future.rawBody, future.headers, CLERK_SECRET), /in the future/);
  });

  it('reads Fetch Headers and bytes; rejects missing or malformed headers, a parsed body, a bad secret', async () => {
    const { rawBody, headers } = signClerk(clerkEvent('user.created'));
    await expect(verifyClerkWebhook(new TextEncoder().encode(rawBody), new Headers(headers), CLERK_SECRET)).resolves.toBeTruthy();
    await rejects(verifyClerkWebhook(rawBody, { 'svix-id': 'x' }, CLERK_SECRET), /Missing svix-id, svix-timestamp or svix-signature/);
    await rejects(verifyClerkWebhook(rawBody, { ...headers, 'svix-timestamp': 'soon' }, CLERK_SECRET), /Malformed svix-timestamp/);
    await rejects(verifyClerkWebhook(rawBody, { ...headers, 'svix-signature': 'v1,@@@' }, CLERK_SECRET), /Malformed svix-signature/);
    await rejects(verifyClerkWebhook(JSON.parse(rawBody), headers, CLERK_SECRET), /raw request body/);
    for (const secret of ['', 'not-a-whsec', 'whsec_@@@', CLERK_SECRET.slice('whsec_'.length)]) {
      await rejects(verifyClerkWebhook(rawBody, headers, secret), /Signing Secret, "whsec_…"/);
    }
  });

  it('a signed body that is not a Clerk event is refused', async () => {
    const { rawBody, headers } = signClerk({ hello: 'world' });
    await rejects(verifyClerkWebhook(rawBody, headers, CLERK_SECRET), /not a Clerk event/);
  });
});
