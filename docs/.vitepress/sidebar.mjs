// The docs' table of contents: the site's sidebar and llms.txt are both made from it.
/** @type {{ text: string, items: { text: string, link: string, summary: string }[] }[]} */
export const sidebar = [
  {
    text: 'Start',
    items: [
      { text: 'Getting started', link: '/', summary: 'What it is and the five-minute path from an empty app to a verified integration.' },
      { text: 'Sandbox', link: '/sandbox', summary: 'The local Affitor-compatible API, storefront and live console.' },
      { text: 'Command line', link: '/cli', summary: 'sandbox, init, verify, doctor and mcp.' },
      { text: 'init: wire an app', link: '/init', summary: 'What init wires per stack, and the edits it leaves to you.' },
    ],
  },
  {
    text: 'Clicks',
    items: [
      { text: 'Script tag', link: '/script-tag', summary: 'The tag, its options and window.affitor.' },
      { text: 'Script files', link: '/script-files', summary: 'What each page downloads: the every-page file, the core beside it, the single-file variants.' },
      { text: 'Browser ESM', link: '/browser-esm', summary: 'The library entry for bundler apps; a drop-in for the official SDK.' },
      { text: 'React and Next.js', link: '/react', summary: 'AffitorProvider and useAffitor.' },
      { text: 'The real web', link: '/real-web', summary: 'Consent, bots, other domains, payment links, Safari, first-party proxy.' },
    ],
  },
  {
    text: 'Signups',
    items: [
      { text: 'Server client', link: '/server', summary: 'Leads, sales and refunds from your server; reading the click id.' },
      { text: 'Server actions', link: '/server-actions', summary: 'The lead from Next.js server actions, React Router / Remix and SvelteKit actions, CommonJS controllers.' },
      { text: 'Clerk', link: '/clerk', summary: 'The click with the sign-up, the lead from the user.created webhook.' },
      { text: 'Supabase', link: '/supabase', summary: 'Server-side sign-ups, and client-side Supabase Auth: one lead per account.' },
      { text: 'better-auth', link: '/better-auth', summary: 'One plugin: the lead of every new account, with its click.' },
      { text: 'Auth.js / NextAuth', link: '/next-auth', summary: 'events.createUser: the lead of every new account, with its click.' },
    ],
  },
  {
    text: 'Sales',
    items: [
      { text: 'Stripe', link: '/stripe', summary: 'Checkout metadata, the webhook handler.' },
      { text: 'Paddle', link: '/paddle', summary: 'Custom data and the webhook handler.' },
      { text: 'Lemon Squeezy', link: '/lemonsqueezy', summary: 'Checkout custom data and the webhook handler.' },
      { text: 'Polar', link: '/polar', summary: 'Checkout metadata and the webhook handler.' },
    ],
  },
  {
    text: 'Your tests',
    items: [
      { text: 'Testing your integration', link: '/testing', summary: 'Attribution checked in your own CI: MSW handlers, a sandbox per test, a Playwright fixture.' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'Reliability', link: '/reliability', summary: 'What is never lost and never applied twice, and how that is proven.' },
      { text: 'Choices where Affitor is silent', link: '/choices', summary: 'What we decided and why.' },
      { text: 'Testing with stand-ins', link: '/testing-with-stand-ins', summary: 'Fetch stand-ins, jsdom and happy-dom in your own unit tests.' },
      { text: 'Tests and figures', link: '/figures', summary: 'The test stages and measured sizes, CPU and load.' },
      { text: 'Protocol', link: '/protocol', summary: 'Every endpoint, field, cookie, status and error string.' },
      { text: 'Architecture', link: '/architecture', summary: 'Design goals and the code map.' },
    ],
  },
];
