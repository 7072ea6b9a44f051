// The root route renders the tracker's provider around every page (affitor-tracker/react).
import type { ReactNode } from 'react';
import { Links, Meta, Outlet, Scripts } from 'react-router';
import { AffitorProvider } from 'affitor-tracker/react';

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <title>Shop</title>
        <Meta />
        <Links />
      </head>
      <body>
        <AffitorProvider programId={import.meta.env.VITE_AFFITOR_PROGRAM_ID} apiBase={import.meta.env.VITE_AFFITOR_API_BASE}>
          {children}
        </AffitorProvider>
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}
