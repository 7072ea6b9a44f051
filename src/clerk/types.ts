// The few Clerk shapes the helpers read (webhook JSON, snake_case), declared structurally so the
// package needs no Clerk dependency.

/** A webhook as Clerk posts it (through Svix). Its id is the `svix-id` header, not part of the body. */
export interface ClerkEventLike {
  /** `user.created`, `user.updated`, `session.created`, … */
  type: string;
  object?: string;
  data: object;
  /** Milliseconds since epoch. */
  timestamp?: number;
  instance_id?: string;
}

export interface ClerkEmailAddressLike {
  id: string;
  email_address: string;
}

/** The `data` of a `user.*` event. */
export interface ClerkUserLike {
  /** `user_…`: the lead's customer key. */
  id: string;
  email_addresses?: ClerkEmailAddressLike[] | null;
  /** Which of `email_addresses` is the primary one; null for a user without email (phone only). */
  primary_email_address_id?: string | null;
  /** What the sign-up passed as `unsafeMetadata`; the browser may write it, so it is a claim, not a proof. */
  unsafe_metadata?: Record<string, unknown> | null;
  /** Milliseconds since epoch. */
  created_at?: number;
}
