// After payment: the server records the sale with the click id from the request's cookies.
import { Affitor, clickIdFromRequest } from 'affitor-tracker/server';

export async function POST(request: Request) {
  // Made per request, not at module level: `next build` loads this module without the secret.
  const affitor = new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL });
  const { userId } = (await request.json()) as { userId: string };
  const result = await affitor.trackSale({
    customerExternalId: userId,
    clickId: clickIdFromRequest(request),
    amount: 4900,
    currency: 'USD',
    invoiceId: 'order_' + userId,
  });
  return Response.json({ ok: result.ok, status: result.status });
}
