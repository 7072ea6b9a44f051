// /sandbox/*: the admin JSON API (state, faults, settings, partners, time shift, reset) and the
// console's event stream.
import { validatePartner, validateSettings } from '../admin.js';
import { HttpError, readJsonBody, sendJson } from '../http/io.js';
import type { Call, Handler, SandboxParts } from './context.js';

// routes.ts has already refused writes from other origins and bodies that are not JSON.
function readAdminBody(sandbox: SandboxParts, req: Call['req']): Promise<Record<string, unknown>> {
  return readJsonBody(req, sandbox.bodyLimit);
}

export const getState: Handler = (sandbox, { url, res, cors }: Call) => {
  const limit = Math.min(Math.max(Number.parseInt(url.searchParams.get('limit') ?? '200', 10) || 0, 0), 10_000);
  const state = {
    ...sandbox.admin.state(limit),
    api_key: sandbox.apiKey,
    faults: sandbox.faults.snapshot(),
    feed: sandbox.feed.recent,
    url: sandbox.ownUrl(),
    readiness: sandbox.readiness.compute(sandbox.admin.program()),
  };
  sendJson(res, 200, state, cors);
};

export const getFaults: Handler = (sandbox, { res, cors }) => sendJson(res, 200, sandbox.faults.snapshot(), cors);

export const streamEvents: Handler = (sandbox, { req, res, cors }) => sandbox.feed.stream(req, res, cors);

export const setFaults: Handler = async (sandbox, { req, res, cors }) => {
  sandbox.faults.configure(await readAdminBody(sandbox, req));
  sandbox.feed.note(`faults set: ${JSON.stringify(sandbox.faults.snapshot())}`);
  sendJson(res, 200, sandbox.faults.snapshot(), cors);
};

export const setProgram: Handler = async (sandbox, { req, res, cors }) => {
  const body = await readAdminBody(sandbox, req);
  const program = sandbox.admin.updateSettings(validateSettings(body));
  sandbox.feed.note(`program settings changed: ${JSON.stringify(body)}`);
  sendJson(res, 200, program, cors);
};

export const savePartner: Handler = async (sandbox, { req, res, cors }) => {
  const partner = sandbox.admin.upsertPartner(validatePartner(await readAdminBody(sandbox, req)));
  sandbox.feed.note(`partner ${partner.code} saved (${partner.status})`);
  sendJson(res, 200, partner, cors);
};

export const deletePartner: Handler = (sandbox, { params, res, cors }) => {
  const [code] = params;
  if (!sandbox.admin.deletePartner(code)) throw new HttpError(404, `No partner ${code} in program ${sandbox.programId}`);
  sandbox.feed.note(`partner ${code} removed`);
  sendJson(res, 200, { ok: true }, cors);
};

export const shiftClick: Handler = async (sandbox, { req, res, cors }) => {
  const { click_id: clickId, days } = await readAdminBody(sandbox, req);
  if (typeof clickId !== 'string' || typeof days !== 'number' || !Number.isFinite(days) || Math.abs(days) > 3650) {
    throw new HttpError(400, 'Expected {"click_id": "<id>", "days": <number of days to move the click into the past>}');
  }
  if (!sandbox.admin.shiftClick(clickId, days)) throw new HttpError(404, `No customer with click_id ${clickId}`);
  sandbox.feed.note(`click ${clickId} moved ${days} days into the past`);
  sendJson(res, 200, { ok: true }, cors);
};

export const reset: Handler = async (sandbox, { req, res, cors }) => {
  await readAdminBody(sandbox, req);
  sandbox.admin.reset();
  sandbox.faults.clear();
  sandbox.feed.clear();
  sandbox.feed.note('all tracked data deleted (programs and partners kept), faults cleared');
  sendJson(res, 200, { ok: true }, cors);
};
