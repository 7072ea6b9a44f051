// Clerk webhooks as Clerk posts them through Svix: the `user.created` body (snake_case, times in
// ms), signed with the `svix` package's own signer, the library Clerk's docs verify with.
import { Webhook } from 'svix';

/** An endpoint's Signing Secret: `whsec_` + base64 of the key bytes. */
export const CLERK_SECRET = 'whsec_' + Buffer.from('affitor-clerk-test-signing-key-0').toString('base64');

export interface UserOverrides {
  id?: string;
  emails?: { id: string; email_address: string }[];
  primary_email_address_id?: string | null;
  unsafe_metadata?: Record<string, unknown>;
}

export function clerkEvent(type: 'user.created' | 'user.updated' | 'session.created', o: UserOverrides = {}) {
  const created = 1_767_261_600_000;
  const emails = o.emails ?? [
    { id: 'idn_2secondary', email_address: 'old@example.com' },
    { id: 'idn_2primary', email_address: 'new.user@example.com' },
  ];
  return {
    data: {
      id: o.id ?? 'user_2abcUSER',
      object: 'user',
      username: null,
      first_name: 'New',
      last_name: 'User',
      image_url: 'https://img.clerk.com/x',
      has_image: false,
      primary_email_address_id: o.primary_email_address_id === undefined ? 'idn_2primary' : o.primary_email_address_id,
      primary_phone_number_id: null,
      primary_web3_wallet_id: null,
      password_enabled: true,
      two_factor_enabled: false,
      email_addresses: emails.map((e) => ({
        ...e,
        object: 'email_address',
        reserved: false,
        verification: { status: 'verified', strategy: 'email_code', attempts: 1, expire_at: created + 600_000 },
        linked_to: [],
        created_at: created,
        updated_at: created,
      })),
      phone_numbers: [],
      web3_wallets: [],
      external_accounts: [],
      public_metadata: {},
      private_metadata: {},
      unsafe_metadata: o.unsafe_metadata ?? {},
      external_id: null,
      last_sign_in_at: null,
      banned: false,
      locked: false,
      created_at: created,
      updated_at: created,
    },
    event_attributes: { http_request: { client_ip: '192.0.2.1', user_agent: 'Mozilla/5.0' } },
    instance_id: 'ins_2testINSTANCE',
    object: 'event',
    timestamp: created + 200,
    type,
  };
}

export interface SignOptions {
  id?: string;
  secret?: string;
  timestamp?: Date;
  /** More secrets to sign with too (a rotation: one signature per secret). */
  extraSecrets?: string[];
}

/** The raw body and the svix-* headers Clerk would send, signed by `svix`. */
export function signClerk(event: object, options: SignOptions = {}) {
  const rawBody = JSON.stringify(event);
  const id = options.id ?? 'msg_2userCreated';
  const timestamp = options.timestamp ?? new Date();
  const signatures = [options.secret ?? CLERK_SECRET, ...(options.extraSecrets ?? [])].map((s) => new Webhook(s).sign(id, timestamp, rawBody));
  return {
    rawBody,
    headers: {
      'svix-id': id,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': signatures.join(' '),
    } as Record<string, string>,
  };
}
