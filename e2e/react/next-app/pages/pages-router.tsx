import { useState } from 'react';
import { useAffitor } from 'affitor-tracker/react';

export default function PagesRouterPage() {
  const { data, signup } = useAffitor();
  const [serverClickId, setServerClickId] = useState<string | null>(null);

  async function onSignup() {
    await signup('user_pages', 'pages@example.com');
    const answer = await fetch('/api/pages-signup', { method: 'POST' }).then((r) => r.json());
    setServerClickId(String(answer.clickId));
  }

  return (
    <main>
      <h1>Shop (Pages Router)</h1>
      <output id="attribution">{JSON.stringify(data)}</output>
      <button id="signup" onClick={() => void onSignup()}>
        Sign up
      </button>
      {serverClickId && <span id="server-click-id">{serverClickId}</span>}
    </main>
  );
}
