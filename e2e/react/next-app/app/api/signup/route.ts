// Your signup endpoint: creates the user and reads the visitor's click id from the request's
// cookies, to store with the user for the sales that come later.
import { clickIdFromRequest } from 'affitor-tracker/server';

export async function POST(request: Request) {
  const { email } = (await request.json()) as { email: string };
  const userId = 'user_' + email.split('@')[0];
  return Response.json({ userId, clickId: clickIdFromRequest(request) });
}
