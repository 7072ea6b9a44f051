'use client';
// A client component: the attribution from useAffitor(), a signup that records the lead from the
// browser, and a purchase whose sale the server records (app/api/purchase/route.ts).
import { useState, type FormEvent } from 'react';
import { useAffitor } from 'affitor-tracker/react';

export function SignupForm() {
  const { data, signup } = useAffitor();
  const [userId, setUserId] = useState<string | null>(null);
  const [serverClickId, setServerClickId] = useState<string | null>(null);
  const [sale, setSale] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email'));
    // Your own signup endpoint creates the user; it can read the click id from the cookies too.
    const created = await fetch('/api/signup', { method: 'POST', body: JSON.stringify({ email }) }).then((r) => r.json());
    await signup(created.userId, email);
    setServerClickId(created.clickId);
    setUserId(created.userId);
  }

  async function buy() {
    const result = await fetch('/api/purchase', { method: 'POST', body: JSON.stringify({ userId }) }).then((r) => r.json());
    setSale(JSON.stringify(result));
  }

  return (
    <>
      <output id="attribution">{JSON.stringify(data)}</output>
      <form onSubmit={(event) => void onSubmit(event)}>
        <input name="email" type="email" defaultValue="buyer@example.com" />
        <button id="signup">Sign up</button>
      </form>
      {userId && (
        <p id="signed-up">
          Signed up as {userId}; the server saw click id <span id="server-click-id">{String(serverClickId)}</span>
        </p>
      )}
      {userId && (
        <button id="buy" onClick={() => void buy()}>
          Buy
        </button>
      )}
      {sale && <output id="sale">{sale}</output>}
    </>
  );
}
