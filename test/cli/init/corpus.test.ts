// `init` on the shapes real apps have (test/fixtures/init/corpus: nested providers, server actions,
// handlers by reference and in CommonJS, Checkout options in a variable or a helper, Remix,
// SvelteKit, Astro, Nuxt, Pug / EJS / Handlebars layouts, a repository of several apps, the auth
// libraries): what it wires, that every line it did not mean to touch is byte for byte as written,
// that the edited code parses, and that a second run changes nothing.
import { parse as babelParse } from '@babel/parser';
import { diffLines } from 'diff';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planInit, run, SANDBOX_API } from '../../../src/cli/init.js';
import { copyFixture, projectOf, remove } from './fixture.js';

const options = { programId: '1', api: SANDBOX_API };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) remove(dir);
});

interface Case {
  fixture: string;
  stack: string[];
  /** For each edited file: strings its new contents must hold. */
  wired: Record<string, string[]>;
  /** The only lines of the original files the edits may replace (each a whole line, trimmed). */
  replaced: string[];
  install: string | null;
  /** When given: everything left to the user, exactly ([file, words its reason holds]), in order. */
  left?: Array<[string, string]>;
  /** When given: words a note must hold (one note each). */
  notes?: string[];
}

const PROVIDER = '<AffitorProvider programId={1} apiBase={process.env.NEXT_PUBLIC_AFFITOR_API_BASE}>';
const TAG = 'src="http://localhost:8787/js/affitor-tracker.js" data-affitor-program-id="1" data-affitor-api-base="http://localhost:8787" defer';

const cases: Case[] = [
  {
    fixture: 'next-nested',
    stack: ['next-app', 'stripe-checkout', 'stripe-webhook'],
    wired: {
      'app/layout.tsx': [`\t\t\t\t\t\t\t${PROVIDER}\n\t\t\t\t\t\t\t\t{children}\n\t\t\t\t\t\t\t</AffitorProvider>\n`],
      'app/(auth)/actions.ts': [
        "'use server';\n\nimport",
        'customerExternalId: String(createdUser.id), email, clickId: clickIdFrom(await cookies())',
        // After the check that the user was created, before what follows it.
        "    return { error: 'Could not create the account' };\n  }\n\n  // Affitor: the signup is a lead",
        '${affitorLead.error}`);\n\n  await startCheckout(',
      ],
      'lib/payments.ts': ['withAffitorCheckout(\n    params,\n    { clickId: clickIdFrom(await cookies()), customerKey: user.id, programId: 1 }'],
      'app/api/stripe/webhook/route.ts': ['handleStripeWebhook({ rawBody: payload, signature: signature, secret: process.env.STRIPE_WEBHOOK_SECRET!'],
    },
    replaced: ['{children}', 'const session = await stripe.checkout.sessions.create(params);'],
    install: 'pnpm add affitor-tracker',
  },
  {
    fixture: 'express-cjs',
    stack: ['templates', 'express', 'stripe-checkout', 'stripe-webhook'],
    wired: {
      'controllers/user.js': [
        "} = require('affitor-tracker/server');",
        'customerExternalId: String(user.id), email: user.email, clickId: clickIdFromRequest(req)',
        '    await user.save();\n    // Affitor: the signup is a lead', // after the save, not before
      ],
      'controllers/billing.js': ['withAffitorCheckout(params, { clickId: clickIdFromRequest(req), programId: 1 })', 'handleStripeWebhook({ rawBody: req.body'],
      'views/layout.pug': ["    script(src='http://localhost:8787/js/affitor-tracker.js', data-affitor-program-id='1', data-affitor-api-base='http://localhost:8787', defer)\n  body"],
    },
    replaced: ['const session = await stripe.checkout.sessions.create(params);'],
    install: 'yarn add affitor-tracker',
  },
  {
    fixture: 'remix',
    stack: ['remix'],
    wired: {
      'app/root.tsx': [`        <Links />\n        <script ${TAG}></script>\n      </head>`],
      'app/routes/join.tsx': ['import { Affitor, clickIdFromRequest } from "affitor-tracker/server";', 'email, clickId: clickIdFromRequest(request)'],
    },
    replaced: [],
    install: 'npm install affitor-tracker',
  },
  {
    // React Router 7 (framework mode): built for real in build.test.ts.
    fixture: 'react-router',
    stack: ['remix'],
    wired: {
      'app/root.tsx': [`        <Links />\n        <script ${TAG}></script>\n      </head>`],
      'app/routes/signup.tsx': ['import { Affitor, clickIdFromRequest } from "affitor-tracker/server";', 'email, clickId: clickIdFromRequest(request)'],
    },
    replaced: [],
    install: 'npm install affitor-tracker',
  },
  {
    fixture: 'sveltekit',
    stack: ['sveltekit'],
    wired: {
      'src/app.html': [`\t\t%sveltekit.head%\n\t\t<script ${TAG}></script>\n\t</head>`],
      'src/routes/signup/+page.server.ts': ["import { env } from '$env/dynamic/private';", 'env.AFFITOR_API_KEY', '\t\tconst affitorLead = await affitor()?.trackLead({ customerExternalId: String(account.id), email, clickId: clickIdFromRequest(request) });'],
    },
    replaced: [],
    install: 'pnpm add affitor-tracker',
  },
  {
    fixture: 'astro',
    stack: ['astro'],
    wired: { 'src/layouts/Base.astro': [`    <title>{title}</title>\n    <script is:inline ${TAG}></script>\n  </head>`] },
    replaced: [],
    install: null, // the tag loads the script from the API: nothing to install
  },
  {
    fixture: 'nuxt',
    stack: ['nuxt'],
    wired: {
      'nuxt.config.ts': [
        "      link: [{ rel: 'icon', href: '/favicon.ico' }],\n      script: [{ src: 'http://localhost:8787/js/affitor-tracker.js', 'data-affitor-program-id': '1', 'data-affitor-api-base': 'http://localhost:8787', defer: true }]\n    }",
      ],
    },
    replaced: [],
    install: null,
  },
  {
    fixture: 'ejs',
    stack: ['templates', 'express'],
    wired: { 'views/partials/head.ejs': [`    <%- include('styles') %>\n    <script ${TAG}></script>\n</head>`] },
    replaced: [],
    install: null,
  },
  {
    fixture: 'hbs',
    stack: ['templates', 'express'],
    wired: { 'views/layouts/main.handlebars': [`  {{> analytics}}\n  <script ${TAG}></script>\n</head>`] },
    replaced: [],
    install: null,
  },
  {
    fixture: 'monorepo',
    stack: ['express', 'next-app'],
    wired: {
      'apps/web/app/layout.tsx': [`<body>${PROVIDER}{children}</AffitorProvider></body>`],
      'apps/api/src/handlers/auth.js': ['customerExternalId: String(newUser.id), email, clickId: clickIdFromRequest(req)'],
      'apps/api/.env': ['AFFITOR_API_KEY='],
      'apps/web/.env': ['NEXT_PUBLIC_AFFITOR_API_BASE=http://localhost:8787'],
    },
    replaced: ['<body>{children}</body>'],
    install: 'npm install affitor-tracker',
  },
  {
    // The auth config in a shared package (packages/auth), built in a variable: wired there, with
    // affitor-tracker added to that package; the app is not told it has no config.
    fixture: 'turbo',
    stack: ['better-auth', 'next-app'],
    wired: {
      'packages/auth/src/index.ts': [
        'import { affitor } from "affitor-tracker/better-auth";',
        '      organization(),\n      affitor({ affitor: () => new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL }) }),\n    ],',
      ],
      'apps/web/.env': ['AFFITOR_API_KEY='],
    },
    replaced: ['<body>{children}</body>'],
    install: 'npm install affitor-tracker',
  },
  {
    fixture: 'better-auth',
    stack: ['next-app', 'better-auth'],
    wired: {
      'lib/auth.ts': [
        'import { affitor } from "affitor-tracker/better-auth";\nimport { Affitor } from "affitor-tracker/server";',
        // A function that makes the client at the first sign-up: the module loads (next build) without the key.
        'plugins: [nextCookies(), affitor({ affitor: () => new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL }) })],',
      ],
    },
    replaced: ['<body>{children}</body>', 'plugins: [nextCookies()],'],
    install: 'npm install affitor-tracker',
  },
  {
    fixture: 'next-auth',
    stack: ['next-app', 'next-auth'],
    wired: {
      'auth.ts': [
        "import { cookies } from 'next/headers'\nimport { affitorCreateUser } from 'affitor-tracker/next-auth'\n",
        "  session: { strategy: 'database' },\n  events: {\n    createUser: affitorCreateUser({ affitor: () => new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL }), clickFrom: cookies })\n  }\n})",
      ],
    },
    replaced: ['<body>{children}</body>'],
    install: 'npm install affitor-tracker',
  },
  {
    // Indented with tabs, double quotes: every new line follows both.
    fixture: 'tabs',
    stack: ['next-app', 'next-auth', 'stripe-checkout', 'stripe-webhook'],
    wired: {
      'auth.ts': [
        'import { cookies } from "next/headers";\nimport { affitorCreateUser } from "affitor-tracker/next-auth";\nimport { Affitor } from "affitor-tracker/server";\n',
        '\t},\n\tevents: {\n\t\tcreateUser: affitorCreateUser({ affitor: () => new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL }), clickFrom: cookies })\n\t},\n});',
      ],
      'app/layout.tsx': [`\t\t\t\t\t<main className="container">${PROVIDER}{children}</AffitorProvider></main>\n`],
      'app/api/checkout/route.ts': ['\t}, { clickId: clickIdFromRequest(request), customerKey: session.user.id, programId: 1 }));\n'],
      'app/api/stripe/route.ts': [
        '\t\tif (!apiKey) console.warn("Affitor: AFFITOR_API_KEY is not set',
        '\tconst affitorServer = affitor();\n\tconst affitorOutcome = affitorServer && (await handleStripeWebhook({ rawBody: payload,',
        '?? ""}',
      ],
    },
    replaced: ['<main className="container">{children}</main>', 'const checkout = await stripe.checkout.sessions.create({', '});'],
    install: 'npm install affitor-tracker',
  },
  {
    fixture: 'clerk',
    stack: ['next-app', 'clerk'],
    wired: {
      'app/sign-up/page.tsx': ['<SignUp unsafeMetadata={clerkSignUpMetadata()} />'],
      'app/api/webhooks/clerk/route.ts': ['handleClerkWebhook({'],
      '.env': ['CLERK_WEBHOOK_SIGNING_SECRET='],
    },
    replaced: ['<body>{children}</body>', '<SignUp />'],
    install: 'npm install affitor-tracker',
  },
  {
    fixture: 'supabase',
    stack: ['next-app', 'supabase'],
    wired: {
      'app/signup/actions.ts': ["'use server'\n\nimport", 'if (data.user) {', 'customerExternalId: String(data.user.id), email, clickId: clickIdFrom(await cookies())'],
    },
    replaced: ['<body>{children}</body>'],
    install: 'npm install affitor-tracker',
  },
];

cases.push(
  {
    // REST style (`app.post('/users', users.create)`), a co-wrapped generator that saves in a try:
    // the lead after the save (`yield`, as co waits), the email from the posted form. The OAuth
    // strategy that creates accounts in a callback without the request is named.
    fixture: 'express-rest',
    stack: ['templates', 'express'],
    wired: {
      'app/controllers/users.js': [
        "  try {\n    yield user.save();\n    // Affitor: the signup is a lead",
        '    const affitorLead = yield Promise.resolve(affitor()?.trackLead({ customerExternalId: String(user.id), email: user.email, clickId: clickIdFromRequest(req) }));\n',
        '${affitorLead.error}`);\n    req.logIn(user,',
      ],
    },
    replaced: [],
    install: 'npm install affitor-tracker',
    left: [
      ['config/passport/github.js', 'creates the account at config/passport/github.js:17: after it is saved, call `affitor.trackLead({'],
      ['.', 'no Stripe Checkout or webhook code found'],
    ],
  },
  {
    // A Nuxt server route (`server/api/auth/register.post.ts`): the click id from the h3 event. The
    // OAuth handler (nuxt-auth-utils onSuccess: sign-ins and sign-ups alike) is named, not edited.
    fixture: 'nuxt-server',
    stack: ['nuxt'],
    wired: {
      'server/api/auth/register.post.ts': [
        "import { Affitor, clickIdFrom } from 'affitor-tracker/server';",
        '  }).returning().get()\n  // Affitor: the signup is a lead',
        'const affitorLead = await affitor()?.trackLead({ customerExternalId: String(user.id), email, clickId: clickIdFrom(event) });',
      ],
    },
    replaced: [],
    install: 'pnpm add affitor-tracker',
    left: [
      ['server/api/auth/github.get.ts', "line 1: sign-ups and sign-ins both end in this OAuth handler's onSuccess"],
      ['.', 'no Stripe Checkout or webhook code found'],
    ],
  },
  {
    // TanStack Start renders the document in its root route (shellComponent): the tag goes in that <head>.
    fixture: 'tanstack-start',
    stack: ['tanstack-start'],
    wired: { 'src/routes/__root.tsx': [`        <HeadContent />\n        <script ${TAG}></script>\n      </head>`] },
    replaced: [],
    install: null,
  },
  {
    // The Auth UI's <Auth view="sign_up"> signs people up in the browser: the lead is wired where the
    // browser client is made (a SvelteKit universal load: under its isBrowser() test), in both areas
    // where a first session can start; the service-role client of server code is left alone.
    fixture: 'sveltekit-supabase',
    stack: ['sveltekit', 'supabase'],
    wired: {
      'src/routes/login/+layout.ts': [
        'import { createBrowserClient, createServerClient, isBrowser } from "@supabase/ssr"\nimport { trackSupabaseSignups } from "affitor-tracker/supabase"\n',
        "      })\n  // Affitor: a new account's first sign-in in this browser is a lead of the visitor's click (once per account).\n  if (isBrowser()) trackSupabaseSignups(supabase)\n\n  return { supabase",
      ],
      'src/routes/account/+layout.ts': ['      })\n  // Affitor: a new account\'s first sign-in', '  if (isBrowser()) trackSupabaseSignups(supabase)\n  const { data: { session } }'],
    },
    replaced: [],
    install: 'npm install affitor-tracker',
    left: [],
  },
  {
    // A factory that returns the browser client: it is kept in a const, tracked and returned. The
    // Expo app beside it gets one line saying the browser tracker does not apply there, and no step.
    fixture: 'supabase-factory',
    stack: ['next-app', 'supabase'],
    wired: {
      'web/lib/supabase/client.ts': [
        "import {createBrowserClient} from '@supabase/ssr'\nimport { trackSupabaseSignups } from 'affitor-tracker/supabase'\n",
        "    const supabase = createBrowserClient(\n        process.env.NEXT_PUBLIC_SUPABASE_URL!,\n        process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!\n    )\n    // Affitor: a new account's first sign-in in this browser is a lead of the visitor's click (once per account).\n    trackSupabaseSignups(supabase)\n    return supabase\n}",
      ],
    },
    replaced: ['return createBrowserClient(', '<body>{children}</body>'],
    install: 'npm install affitor-tracker',
    left: [['web', 'no Stripe Checkout or webhook code found']],
    notes: ['mobile is a React Native / Expo app: the script tag, the provider and trackSupabaseSignups need a browser'],
  },
);

const parses = (file: string, source: string) => {
  const plugins: Array<'typescript' | 'jsx'> = file.endsWith('.ts') ? ['typescript'] : ['typescript', 'jsx'];
  babelParse(source, { sourceType: /\.c?js$/.test(file) && source.includes('require(') ? 'script' : 'module', plugins });
};

describe.each(cases)('init on the $fixture shape', ({ fixture, stack, wired, replaced, install, left, notes }) => {
  it('wires it, leaves every other line as written, parses, and a second run changes nothing', () => {
    const dir = copyFixture(`corpus/${fixture}`);
    dirs.push(dir);
    const plan = planInit(dir, options);
    expect(plan.stack).toEqual(stack);
    if (fixture === 'turbo') expect(plan.installs.map((i) => i.cwd)).toEqual(['packages/auth', 'apps/web']);
    expect(plan.skipped.filter((s) => s.kind === 'refused'), 'no refusal').toEqual([]);
    expect(plan.installs.map((i) => i.command.join(' '))).toEqual(install ? plan.installs.map(() => install) : []);
    if (left) expect(plan.skipped.map((s) => [s.file, s.reason])).toEqual(left.map(([file, words]) => [file, expect.stringContaining(words)]));
    for (const words of notes ?? []) expect(plan.notes, words).toContainEqual(expect.stringContaining(words));
    // Files are named from the directory init ran in, in the summaries too.
    for (const change of plan.changes) for (const line of change.summary) expect(line.startsWith(change.file) || line.includes(` → ${change.file}`), line).toBe(true);
    for (const [file, needles] of Object.entries(wired)) {
      if (needles.length === 0) continue;
      const change = plan.changes.find((c) => c.file === file);
      expect(change, file).toBeDefined();
      for (const needle of needles) expect(change!.contents, file).toContain(needle);
    }
    for (const change of plan.changes) {
      if (change.action === 'create') continue;
      const removed = diffLines(readFileSync(join(dir, change.file), 'utf8'), change.contents)
        .filter((part) => part.removed)
        .flatMap((part) => part.value.split('\n').filter((line) => line.trim() !== ''))
        .map((line) => line.trim());
      const after = new Set(change.contents.split('\n').map((line) => line.trim()));
      // A new last property or element gives the one before it a comma: that line is kept, comma added.
      const touched = removed.filter((line) => !after.has(`${line},`));
      for (const line of touched) expect(replaced, `${change.file}: a line init was not meant to touch changed: ${line}`).toContain(line);
      // New lines follow the file's indentation (tabs stay tabs, spaces stay spaces) and its quotes.
      const original = readFileSync(join(dir, change.file), 'utf8');
      const added = diffLines(original, change.contents).filter((part) => part.added).flatMap((part) => part.value.split('\n'));
      const tabs = (original.match(/^\t/gm)?.length ?? 0) > (original.match(/^ /gm)?.length ?? 0);
      for (const line of added) expect(line, `${change.file}: indented unlike the file`).not.toMatch(tabs ? /^\t* {2,}\S/ : /^ *\t/);
      const doubles = (original.match(/from\s+"/g)?.length ?? 0) > (original.match(/from\s+'/g)?.length ?? 0);
      for (const line of added) expect(line, `${change.file}: quoted unlike the file`).not.toMatch(doubles ? /from '/ : /from "/);
      if (/\.(m|c)?[jt]sx?$/.test(change.file)) expect(() => parses(change.file, change.contents), change.file).not.toThrow();
    }
    for (const change of plan.changes) {
      mkdirSync(dirname(join(dir, change.file)), { recursive: true });
      writeFileSync(join(dir, change.file), change.contents);
    }
    const again = planInit(dir, options);
    expect(again.changes, 'a second run changes nothing').toEqual([]);
  });
});

describe('init around the Checkout and the install', () => {
  it('a Checkout it cannot wire holds back the webhook, and the refusal names the exact edit', () => {
    const dir = projectOf({
      'package.json': '{"type":"module","dependencies":{"express":"5","stripe":"17"}}',
      'billing.js': [
        "import express from 'express';",
        "import Stripe from 'stripe';",
        'const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);',
        'export function checkoutFor(priceId) {',
        "  return stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: priceId, quantity: 1 }] });",
        '}',
        'const app = express();',
        "app.post('/hook', async (req, res) => {",
        "  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], process.env.STRIPE_WEBHOOK_SECRET);",
        '  res.json({ received: event.id });',
        '});',
        '',
      ].join('\n'),
    });
    dirs.push(dir);
    const plan = planInit(dir, options);
    expect(plan.changes.map((c) => c.file)).not.toContain('billing.js');
    expect(plan.skipped).toEqual(
      expect.arrayContaining([
        { file: 'billing.js', kind: 'refused', reason: expect.stringContaining('withAffitorCheckout(') },
        { file: 'billing.js', kind: 'refused', reason: expect.stringContaining('not wired while the Checkout is not') },
      ]),
    );
  });

  it('a file indented by four spaces gets four (a JSDoc block\'s " * " lines are no indentation unit)', () => {
    const dir = projectOf({
      'package.json': '{"dependencies":{"next-auth":"4.24.0"}}',
      'auth.ts': [
        "import NextAuth from 'next-auth';",
        "import GitHub from 'next-auth/providers/github';",
        '',
        '/**',
        ' * The options, shared with getServerSession.',
        ' */',
        'export default NextAuth({',
        '    providers: [GitHub],',
        '});',
        '',
      ].join('\n'),
    });
    dirs.push(dir);
    const auth = planInit(dir, options).changes.find((c) => c.file === 'auth.ts')!;
    expect(auth.contents).toContain('    providers: [GitHub],\n    events: {\n        createUser: affitorCreateUser({ affitor: () => new Affitor(');
  });

  it('Supabase sign-ups in browser code are named where they are: a Pages Router page, a plain component, Svelte and Vue files; server code is not', () => {
    const signUp = "const { error } = await supabase.auth.signUp({ email, password });";
    const dir = projectOf({
      'package.json': '{"dependencies":{"@supabase/supabase-js":"2.45.0","react":"19.0.0"}}',
      'pages/signup.tsx': `import { supabase } from '../lib/supabase';\nexport default function SignUp() {\n  async function submit(email: string, password: string) {\n    ${signUp}\n  }\n  return null;\n}\n`,
      'components/SignUpForm.jsx': `import { supabase } from '../lib/supabase';\nexport function SignUpForm() {\n  const submit = async (email, password) => {\n    ${signUp}\n  };\n  return null;\n}\n`,
      'src/routes/signup/+page.svelte': `<script>\n  import { supabase } from '$lib/supabase';\n  async function submit(email, password) {\n    ${signUp}\n  }\n</script>\n`,
      'components/SignUp.vue': `<script setup>\nimport { supabase } from '../lib/supabase';\nasync function submit(email, password) {\n  ${signUp}\n}\n</script>\n`,
      'src/routes/login/+page.server.ts': `export const actions = { default: async ({ locals: { supabase } }) => { ${signUp} } };\n`,
    });
    dirs.push(dir);
    const named = planInit(dir, options).skipped.filter((s) => s.reason.includes('trackSupabaseSignups(supabase)')).map((s) => s.file).sort();
    expect(named).toEqual(['components/SignUp.vue', 'components/SignUpForm.jsx', 'pages/signup.tsx', 'src/routes/signup/+page.svelte']);
  });

  it('Stripe in a shared package: a Checkout it cannot wire is named there and holds back the app\'s webhook; the apps using it are not told they have no Stripe', () => {
    const dir = copyFixture('corpus/turbo-stripe');
    dirs.push(dir);
    const plan = planInit(dir, options);
    expect(plan.apps).toEqual(['apps/docs', 'apps/web']);
    expect(plan.skipped).toEqual(
      expect.arrayContaining([
        { file: 'packages/payments/src/index.ts', kind: 'refused', reason: expect.stringContaining('`clickIdFrom(await cookies())` in a Next.js server action or route handler — and write `stripe.checkout.sessions.create(withAffitorCheckout(') },
        { file: 'apps/web/app/api/webhooks/stripe/route.ts', kind: 'refused', reason: 'line 6: not wired while the Checkout is not (packages/payments/src/index.ts: line 7); wire that first, then rerun init' },
      ]),
    );
    expect(plan.changes.map((c) => c.file)).not.toContain('apps/web/app/api/webhooks/stripe/route.ts');
    const noStripe = plan.skipped.filter((s) => s.reason.startsWith('no Stripe Checkout or webhook code found')).map((s) => s.file);
    expect(noStripe).toEqual(['apps/docs']); // the docs app does not use @acme/payments
  });

  it('Stripe in a shared package with the request in scope: wired where it is; the app using it is told only that no webhook records the sale', () => {
    const dir = projectOf({
      'package.json': '{"name":"shop","private":true,"workspaces":["apps/*","packages/*"]}',
      'apps/api/package.json': '{"name":"@shop/api","type":"module","dependencies":{"express":"4.21.0","@shop/billing":"*"}}',
      'apps/api/server.js': "import express from 'express';\nimport { checkout } from '@shop/billing';\nconst app = express();\napp.post('/checkout', checkout);\napp.listen(3000);\n",
      'packages/billing/package.json': '{"name":"@shop/billing","type":"module","dependencies":{"stripe":"17.4.0"}}',
      'packages/billing/src/index.js': "import Stripe from 'stripe';\nconst stripe = new Stripe(process.env.STRIPE_SECRET_KEY);\nexport async function checkout(req, res) {\n  const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: req.body.price, quantity: 1 }] });\n  res.redirect(303, session.url);\n}\n",
    });
    dirs.push(dir);
    const plan = planInit(dir, options);
    const billing = plan.changes.find((c) => c.file === 'packages/billing/src/index.js');
    expect(billing?.contents).toContain("stripe.checkout.sessions.create(withAffitorCheckout(\n    { mode: 'payment'");
    expect(billing?.contents).toContain('{ clickId: clickIdFromRequest(req), programId: 1 }');
    expect(billing?.summary).toEqual([expect.stringMatching(/^packages\/billing\/src\/index\.js:4: Affitor metadata on the Checkout Session/)]);
    expect(plan.installs.map((i) => i.cwd)).toContain('packages/billing');
    expect(plan.skipped.filter((s) => s.file === 'apps/api' && s.reason.includes('Stripe'))).toEqual([
      { file: 'apps/api', kind: 'todo', reason: expect.stringMatching(/^Stripe Checkout \(in packages\/billing\/src\/index\.js\) without a webhook in this app/) },
    ]);
  });

  it('a UTF-16 file (generated types) is read, not refused as unparsable; one that needs an edit is named, not rewritten as UTF-8', () => {
    const dir = projectOf({
      'package.json': '{"type":"module","dependencies":{"express":"4.21.0"}}',
    });
    dirs.push(dir);
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    writeFileSync(join(dir, 'types_db.ts'), utf16('export type Json = string | number | boolean | null;\r\n'));
    writeFileSync(join(dir, 'server.js'), utf16("import express from 'express';\nconst app = express();\napp.post('/signup', async (req, res) => {\n  const user = await createUser(req.body);\n  res.json(user);\n});\n"));
    const plan = planInit(dir, options);
    expect(plan.changes.map((c) => c.file)).not.toContain('server.js');
    expect(plan.skipped.filter((s) => s.kind === 'refused')).toEqual([
      { file: 'server.js', kind: 'refused', reason: expect.stringMatching(/^stored as UTF-16 and init writes UTF-8 only; make its edits by hand: server\.js:3: record the signup as a lead/) },
    ]);
  });

  it('a register route that first looks the email up: the lead is of the user it makes and saves, not of the lookup; POST /users inline is a sign-up', () => {
    const dir = projectOf({
      'package.json': '{"dependencies":{"express":"4.21.0"}}',
      'routes/users.js': [
        "const router = require('express').Router();",
        "const User = require('../models/User');",
        "router.post('/register', async (req, res) => {",
        '  const { name, email, password } = req.body;',
        '  const user = await User.findOne({ email });',
        "  if (user) return res.render('register', { taken: true });",
        '  const newUser = new User({ name, email, password });',
        '  newUser.password = await hash(password);',
        '  await newUser.save();',
        "  res.redirect('/users/login');",
        '});',
        'module.exports = router;',
        '',
      ].join('\n'),
    });
    dirs.push(dir);
    const routes = planInit(dir, options).changes.find((c) => c.file === 'routes/users.js');
    expect(routes?.contents).toContain("  await newUser.save();\n  // Affitor: the signup is a lead of the visitor's click");
    expect(routes?.contents).toContain('customerExternalId: String(newUser.id), email, clickId: clickIdFromRequest(req)');

    const api = projectOf({
      'package.json': '{"type":"module","dependencies":{"express":"4.21.0"}}',
      'src/auth.controller.ts': "import { Router } from 'express';\nimport { createUser } from './auth.service';\nconst router = Router();\nrouter.post('/users', async (req, res, next) => {\n  try {\n    const user = await createUser({ ...req.body.user });\n    res.status(201).json({ user });\n  } catch (error) {\n    next(error);\n  }\n});\nexport default router;\n",
    });
    dirs.push(api);
    const controller = planInit(api, options).changes.find((c) => c.file === 'src/auth.controller.ts');
    expect(controller?.contents).toContain('    const user = await createUser({ ...req.body.user });\n    // Affitor: the signup is a lead');
  });

  it('an Expo app on its own gets one line saying the browser tracker does not apply, and no step', () => {
    const dir = projectOf({
      'package.json': '{"dependencies":{"expo":"~54.0.10","react-native":"0.81.4","@supabase/supabase-js":"2.58.0"}}',
      'app/register.tsx': "import { supabase } from '../lib/supabase';\nexport default function Register() {\n  return <Button onPress={() => supabase.auth.signUp({ email: 'a@b.c', password: 'pw' })} />;\n}\n",
    });
    dirs.push(dir);
    const plan = planInit(dir, options);
    expect(plan).toMatchObject({ apps: [], changes: [], skipped: [], installs: [] });
    expect(plan.notes.filter((note) => note.includes('React Native / Expo'))).toEqual([expect.stringMatching(/^This is a React Native \/ Expo app: .* init leaves it alone/)]);
  });

  it('runs the project\'s own package manager after writing (pnpm by its lockfile) and says so in --json', async () => {
    const dir = copyFixture('corpus/remix');
    dirs.push(dir);
    writeFileSync(join(dir, 'pnpm-lock.yaml'), 'lockfileVersion: 9.0\n');
    // A stand-in pnpm on PATH that records how it was called.
    const bin = join(dir, '.bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'pnpm'), `#!/bin/sh\necho "$PWD $*" > "${join(dir, 'pnpm-called')}"\n`);
    chmodSync(join(bin, 'pnpm'), 0o755);
    vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const log = vi.spyOn(console, 'log').mockImplementation((...parts) => void out.push(parts.join(' ')));
    try {
      const code = await run([dir, '--yes', '--json', '--key=']);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
      log.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(readFileSync(join(dir, 'pnpm-called'), 'utf8').trim()).toBe(`${dir} add affitor-tracker`);
    expect(JSON.parse(out.join('')).install).toEqual([{ cwd: '.', command: 'pnpm add affitor-tracker', ran: true }]);
  });
});
