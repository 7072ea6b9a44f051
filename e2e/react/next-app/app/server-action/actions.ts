'use server';
// A server action sign-up, as apps with Supabase write it: create the account, then record the
// lead with the click id read from the request's cookies (`cookies()` from next/headers).
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { Affitor, clickIdFrom } from 'affitor-tracker/server';
import { createAccount } from '../../lib/accounts';

export async function signUp(formData: FormData) {
  const email = String(formData.get('email'));
  const { data, error } = await createAccount(email); // e.g. supabase.auth.signUp({ email, password })
  if (error || !data.user) redirect('/server-action?error=' + encodeURIComponent(error?.message ?? 'no user'));
  // Made per call, not at module level: `next build` loads this module without the secret.
  const affitor = new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL });
  const lead = await affitor.trackLead({ customerExternalId: data.user.id, email, clickId: clickIdFrom(await cookies()) });
  if (!lead.ok) console.warn(`Affitor lead not recorded (${lead.code}): ${lead.error}`); // never fail the sign-up over it
  redirect('/server-action?user=' + encodeURIComponent(data.user.id));
}
