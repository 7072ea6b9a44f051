// An auth library's createUser event inside a live request (Auth.js calls it from its route
// handler): the helper is made at module level, as in an auth config, with a lazily made client, so
// `next build` loads this module without AFFITOR_API_KEY. The click comes from Next.js's `headers`,
// whose Cookie header keeps both copies where the browser sent two cookies of one name.
import { cookies, headers } from 'next/headers';
import { Affitor, clickIdFrom } from 'affitor-tracker/server';
import { affitorCreateUser } from 'affitor-tracker/next-auth';

const createUser = affitorCreateUser({
  affitor: () => new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL }),
  clickFrom: headers,
});

export async function POST(request: Request) {
  const { id, email } = (await request.json()) as { id: string; email: string };
  await createUser({ user: { id, email } });
  // What each reader sees when the browser sent two cookies of one name.
  return Response.json({ fromCookies: clickIdFrom(await cookies()), fromHeaders: clickIdFrom(await headers()) });
}
