// The App Router's root layout (a server component) renders the provider: `affitor-tracker/react`
// is a client module ("use client"), so it runs in the browser, and the server only renders children.
import type { ReactNode } from 'react';
import { AffitorProvider } from 'affitor-tracker/react';

export const metadata = { title: 'Shop' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AffitorProvider programId={process.env.NEXT_PUBLIC_AFFITOR_PROGRAM_ID} apiBase={process.env.NEXT_PUBLIC_AFFITOR_API_BASE}>
          {children}
        </AffitorProvider>
      </body>
    </html>
  );
}
