import { useState } from 'react';
import { getClickIds } from 'affitor-tracker';
import { useAffitor } from 'affitor-tracker/react';

export function App() {
  const { data, signup } = useAffitor();
  // The browser entry imported beside the React one (both share the page's one tracker).
  const [history, setHistory] = useState<string[]>([]);
  return (
    <main>
      <h1>Shop (Vite + React)</h1>
      <output id="attribution">{JSON.stringify(data)}</output>
      <button id="signup" onClick={() => void signup('user_vite', 'vite@example.com')}>
        Sign up
      </button>
      <button id="history" onClick={() => setHistory(getClickIds())}>
        Click history
      </button>
      <output id="click-ids">{history.join(',')}</output>
      <a id="pricing" href="/pricing" onClick={(event) => (event.preventDefault(), window.history.pushState(null, '', '/pricing'))}>
        Pricing
      </a>
    </main>
  );
}
