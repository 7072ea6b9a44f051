// The app's storage for the Auth.js / NextAuth tests: an in-memory adapter with what the email
// (magic-link) flow uses. Its shape is the same in @auth/core and next-auth v4.
import type { Adapter, AdapterSession, AdapterUser, VerificationToken } from '@auth/core/adapters';

export function memoryAdapter(): Adapter & { users: Map<string, AdapterUser> } {
  const users = new Map<string, AdapterUser>();
  const sessions = new Map<string, AdapterSession>();
  const tokens = new Map<string, VerificationToken>();
  let next = 1;
  return {
    users,
    createUser: async (user) => {
      const created = { ...user, id: `usr_${next++}` } as AdapterUser;
      users.set(created.id, created);
      return created;
    },
    getUser: async (id) => users.get(id) ?? null,
    getUserByEmail: async (email) => [...users.values()].find((u) => u.email === email) ?? null,
    getUserByAccount: async () => null,
    updateUser: async (user) => {
      const updated = { ...users.get(user.id!)!, ...user } as AdapterUser;
      users.set(updated.id, updated);
      return updated;
    },
    linkAccount: async () => undefined,
    createSession: async (session) => {
      sessions.set(session.sessionToken, session);
      return session;
    },
    getSessionAndUser: async (token) => {
      const session = sessions.get(token);
      return session ? { session, user: users.get(session.userId)! } : null;
    },
    updateSession: async (session) => ({ ...sessions.get(session.sessionToken)!, ...session }),
    deleteSession: async (token) => void sessions.delete(token),
    createVerificationToken: async (token) => {
      tokens.set(token.identifier + token.token, token);
      return token;
    },
    useVerificationToken: async ({ identifier, token }) => {
      const found = tokens.get(identifier + token) ?? null;
      tokens.delete(identifier + token);
      return found;
    },
  };
}

