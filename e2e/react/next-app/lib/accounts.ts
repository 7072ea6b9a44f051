// Stands in for the app's auth backend (`supabase.auth.signUp`, a database insert): creates the
// account and returns it. Kept in memory; ids are stable per email so a test can predict them.
export interface Account {
  id: string;
  email: string;
}

const accounts = new Map<string, Account>();

export async function createAccount(email: string): Promise<{ data: { user: Account | null }; error: Error | null }> {
  if (accounts.has(email)) return { data: { user: null }, error: new Error('User already registered') };
  const user = { id: 'sa_' + email.split('@')[0], email };
  accounts.set(email, user);
  return { data: { user }, error: null };
}
