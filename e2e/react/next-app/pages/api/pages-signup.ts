// A Pages Router API route: `req` is Node's IncomingMessage, which clickIdFromRequest reads too.
import type { NextApiRequest, NextApiResponse } from 'next';
import { clickIdFromRequest } from 'affitor-tracker/server';

export default function handler(req: NextApiRequest, res: NextApiResponse) {
  res.status(200).json({ clickId: clickIdFromRequest(req) });
}
