// The Pages Router: the provider wraps every page in _app.
import type { AppProps } from 'next/app';
import { AffitorProvider } from 'affitor-tracker/react';

export default function App({ Component, pageProps }: AppProps) {
  return (
    <AffitorProvider programId={process.env.NEXT_PUBLIC_AFFITOR_PROGRAM_ID} apiBase={process.env.NEXT_PUBLIC_AFFITOR_API_BASE}>
      <Component {...pageProps} />
    </AffitorProvider>
  );
}
