import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AffitorProvider } from 'affitor-tracker/react';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AffitorProvider programId={import.meta.env.VITE_AFFITOR_PROGRAM_ID} apiBase={import.meta.env.VITE_AFFITOR_API_BASE}>
      <App />
    </AffitorProvider>
  </StrictMode>,
);
