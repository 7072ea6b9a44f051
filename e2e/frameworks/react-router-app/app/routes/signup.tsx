// A sign-up in a React Router action: create the account, then record the lead with the click id
// read from the request's cookies.
import { Form, useActionData } from 'react-router';
import { Affitor, clickIdFrom } from 'affitor-tracker/server';

export async function action({ request }: { request: Request }) {
  const email = String((await request.formData()).get('email'));
  const user = { id: 'rr_' + email.split('@')[0], email }; // your createUser(…)
  // Made per call, not at module level: the build loads this module without the secret.
  const affitor = new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL });
  const lead = await affitor.trackLead({ customerExternalId: user.id, email, clickId: clickIdFrom(request) });
  return { userId: user.id, leadOk: lead.ok };
}

export default function SignUp() {
  const result = useActionData<typeof action>();
  return (
    <main>
      <h1>Shop (React Router)</h1>
      {result && <p id="welcome">Welcome, {result.userId}</p>}
      <Form method="post">
        <input name="email" type="email" defaultValue="router@example.com" />
        <button id="action-signup">Sign up</button>
      </Form>
    </main>
  );
}
