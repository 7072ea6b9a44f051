// trackSupabaseSignups with the real @supabase/supabase-js client, talking HTTP to our own fake
// GoTrue server: the lead goes out for a sign-up, once per page, and never for a sign-in.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trackSupabaseSignups } from '../../src/supabase/index';
import { startFakeGoTrue, type FakeGoTrue } from './fake-gotrue';

let gotrue: FakeGoTrue;

/** Realtime is never opened here; Node 20 has no WebSocket global for supabase-js to check for. */
class NoRealtime {
  constructor() {
    throw new Error('these tests open no realtime channel');
  }
}
type ClientOptions = NonNullable<Parameters<typeof createClient>[2]>;
const client = (auth: ClientOptions['auth']): SupabaseClient =>
  createClient(gotrue.url, 'anon-key', { auth, realtime: { transport: NoRealtime as unknown as NonNullable<ClientOptions['realtime']>['transport'] } });
const noStorage = { persistSession: false, autoRefreshToken: false };
beforeEach(async () => {
  gotrue = await startFakeGoTrue();
});
afterEach(() => gotrue.close());

/** A page of the app: a client over `storage` (the browser's localStorage), and the leads it sent. */
function page(storage: Map<string, string>) {
  const supabase = client({
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
    autoRefreshToken: false,
    detectSessionInUrl: false,
  });
  const leads: [string, string | null][] = [];
  const stop = trackSupabaseSignups(supabase, { signup: (key, email) => leads.push([key, email]) });
  return { supabase, leads, stop };
}

/** Settles once the client has told its listeners about the current session. */
const settled = (p: ReturnType<typeof page>) => p.supabase.auth.getSession();

describe('trackSupabaseSignups', () => {
  it('a sign-up records its user once; the next page load of that session reports it to the tracker again (which keeps it once per key)', async () => {
    const storage = new Map<string, string>();
    const first = page(storage);
    const { data } = await first.supabase.auth.signUp({ email: 'new@example.com', password: 'pw-123456' });
    await settled(first);
    expect(first.leads).toEqual([[data.user!.id, 'new@example.com']]);
    first.stop();

    // A reload: INITIAL_SESSION and SIGNED_IN for the stored session, one call for the page.
    const reload = page(storage);
    await settled(reload);
    expect(reload.leads).toEqual([[data.user!.id, 'new@example.com']]);
  });

  it('an existing user signing in records nothing, even one who signed up minutes ago', async () => {
    gotrue.addUser('old@example.com', 'pw-old', 30 * 86_400_000);
    const p = page(new Map());
    await settled(p);
    await p.supabase.auth.signInWithPassword({ email: 'old@example.com', password: 'pw-old' });
    await settled(p);
    expect(p.leads).toEqual([]);

    gotrue.addUser('recent@example.com', 'pw-recent', 5 * 60_000);
    await p.supabase.auth.signInWithPassword({ email: 'recent@example.com', password: 'pw-recent' });
    await settled(p);
    expect(p.leads).toEqual([]);
  });

  it('with email confirmation, the sign-up has no session and records nothing yet', async () => {
    gotrue.confirmEmails = true;
    const p = page(new Map());
    const { data } = await p.supabase.auth.signUp({ email: 'later@example.com', password: 'pw-123456' });
    await settled(p);
    expect(data.session).toBeNull();
    expect(p.leads).toEqual([]);
  });

  it('without a signup option the page tracker gets the call through window.affitorQueue; stop() ends it', async () => {
    const page = globalThis as { affitorQueue?: unknown[] };
    delete page.affitorQueue;
    const supabase = client(noStorage);
    const stop = trackSupabaseSignups(supabase);
    const { data } = await supabase.auth.signUp({ email: 'queued@example.com', password: 'pw-123456' });
    await supabase.auth.getSession();
    expect(page.affitorQueue).toEqual([['signup', data.user!.id, 'queued@example.com']]);
    stop();
    await supabase.auth.signOut();
    await supabase.auth.signUp({ email: 'after-stop@example.com', password: 'pw-123456' });
    await supabase.auth.getSession();
    expect(page.affitorQueue).toHaveLength(1);
    delete page.affitorQueue;
  });

  it('called again for the same client (a load function that runs at every navigation), it listens once: one queued call per sign-up', async () => {
    const page = globalThis as { affitorQueue?: unknown[] };
    delete page.affitorQueue;
    const supabase = client(noStorage);
    const stop = trackSupabaseSignups(supabase);
    expect(trackSupabaseSignups(supabase)).toBe(stop);
    trackSupabaseSignups(supabase);
    const { data } = await supabase.auth.signUp({ email: 'once@example.com', password: 'pw-123456' });
    await supabase.auth.getSession();
    expect(page.affitorQueue).toEqual([['signup', data.user!.id, 'once@example.com']]);
    stop();
    // Stopped, a new call listens again.
    expect(trackSupabaseSignups(supabase)).not.toBe(stop);
    delete page.affitorQueue;
  });

  it('a signup callback that throws or rejects never breaks the auth flow', async () => {
    const supabase = client(noStorage);
    trackSupabaseSignups(supabase, { signup: () => { throw new Error('tracker broken'); } });
    const { data, error } = await supabase.auth.signUp({ email: 'safe@example.com', password: 'pw-123456' });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe('safe@example.com');
    const other = client(noStorage);
    trackSupabaseSignups(other, { signup: () => Promise.reject(new Error('offline')) });
    expect((await other.auth.signUp({ email: 'safe2@example.com', password: 'pw-123456' })).error).toBeNull();
  });
});
