// A sign-up in a SvelteKit form action: create the account, then record the lead with the click
// id read from SvelteKit's `cookies`.
import { env } from '$env/dynamic/private';
import { Affitor, clickIdFrom } from 'affitor-tracker/server';

export const actions = {
  default: async ({ request, cookies }) => {
    const email = String((await request.formData()).get('email'));
    const user = { id: 'sk_' + email.split('@')[0], email }; // your createUser(…)
    const affitor = new Affitor({ apiKey: env.AFFITOR_API_KEY, apiUrl: env.AFFITOR_API_URL });
    const lead = await affitor.trackLead({ customerExternalId: user.id, email, clickId: clickIdFrom(cookies) });
    return { userId: user.id, leadOk: lead.ok };
  },
};
