// A sign-up form posting to a server action (it works before the page's JavaScript has loaded).
import { signUp } from './actions';

export default async function ServerActionPage({ searchParams }: { searchParams: Promise<{ user?: string; error?: string }> }) {
  const { user, error } = await searchParams;
  return (
    <main>
      <h1>Shop (server action)</h1>
      {user && <p id="welcome">Welcome, {user}</p>}
      {error && <p id="error">{error}</p>}
      <form action={signUp}>
        <input name="email" type="email" defaultValue="action@example.com" />
        <button id="action-signup">Sign up</button>
      </form>
    </main>
  );
}
