// `affitor-tracker mcp`: a Model Context Protocol server on stdio (the official SDK) for coding
// agents: the integration plan and the `init` dry run of a project, verification, readiness, and
// the four track calls through the server client. Configured from AFFITOR_API_URL,
// AFFITOR_API_KEY and AFFITOR_PROGRAM_ID; without them, the local sandbox.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { Affitor, type AffitorResult } from '../server/index.js';
import { CliError, EXIT, runCommand } from './command.js';
import { findLocalSandbox, LOCAL_SANDBOX_URL, resolveTarget, type Target } from './target.js';
import { runVerification } from './verification.js';

const USAGE = `Usage: affitor-tracker mcp

A Model Context Protocol server on stdin/stdout for coding agents (Claude Code, Cursor, …):
  plan_integration   what \`init\` would do to a project: stack, files, edits, refusals
  init_dry_run       the same as unified diffs; writes nothing
  verify             the test chain click → lead → sale → refund, then every readiness gate
  readiness          the program's go-live gates
  track_click, track_lead, track_sale, track_refund
                     one call each through affitor-tracker/server (test mode unless testMode: false)

Environment:
  AFFITOR_API_URL     API base (default: the running sandbox, on any port, else ${LOCAL_SANDBOX_URL}; started in memory if none runs)
  AFFITOR_API_KEY     the program's key (default: the sandbox's own)
  AFFITOR_PROGRAM_ID  program id for test-mode clicks and leads (default: the key's program)

Example client configuration: {"command": "npx", "args": ["affitor-tracker", "mcp"],
  "env": {"AFFITOR_API_URL": "http://localhost:8787"}}`;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** A tool's answer: the JSON for agents that read text, and the same as structured content. */
function answer(value: Record<string, unknown>, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value, ...(isError ? { isError: true } : {}) };
}

function failure(err: unknown): CallToolResult {
  if (err instanceof CliError) return answer({ ok: false, error: { code: err.code, message: err.message } }, true);
  return answer({ ok: false, error: { code: 'invalid_request', message: (err as Error).message } }, true);
}

/** A tool's handler whose throw (bad input, an unreachable API) is answered as a failure result. */
const answering =
  <Input>(run: (input: Input) => Promise<CallToolResult>) =>
  async (input: Input): Promise<CallToolResult> => {
    try {
      return await run(input);
    } catch (err) {
      return failure(err);
    }
  };

/** A track call's result; a duplicate (already recorded) is not an error. */
function trackAnswer(result: AffitorResult<unknown>): CallToolResult {
  return answer({ ...result }, !result.ok && !result.duplicate);
}

const testModeInput = z
  .boolean()
  .default(true)
  .describe('Test mode (default): stored as a test event that creates no customer, commission or metrics. false records a real event.');

export function run(argv: string[]): Promise<number> {
  return runCommand({ name: 'mcp', usage: USAGE, options: {} }, argv, async () => {
    const env = process.env;
    const programIdFromEnv = env.AFFITOR_PROGRAM_ID ? Number.parseInt(env.AFFITOR_PROGRAM_ID, 10) : undefined;
    if (programIdFromEnv !== undefined && !(Number.isInteger(programIdFromEnv) && programIdFromEnv > 0)) {
      throw new CliError(EXIT.usage, 'usage', `AFFITOR_PROGRAM_ID must be a positive integer (got ${JSON.stringify(env.AFFITOR_PROGRAM_ID)})`);
    }

    // The target is resolved on first use and kept: a sandbox started for it lives as long as the server.
    let target: Promise<Target> | undefined;
    const getTarget = () => (target ??= resolveTarget({}, env, { startIfMissing: true }));
    const client = async () => {
      const t = await getTarget();
      return new Affitor({ apiKey: t.apiKey, apiUrl: t.api });
    };
    let programId: number | undefined = programIdFromEnv;
    const getProgramId = async (affitor: Affitor): Promise<number | undefined> => {
      if (programId !== undefined) return programId;
      const readiness = await affitor.readiness();
      if (readiness.ok && readiness.data) programId = readiness.data.program_id;
      return programId;
    };
    const testData = async (affitor: Affitor, testMode: boolean) => (testMode ? { test_mode: true, program_id: await getProgramId(affitor) } : undefined);

    const server = new McpServer({ name: 'affitor-tracker', version: packageVersion() });
    const projectInput = {
      dir: z.string().min(1).describe('The project directory (absolute, or relative to where the MCP server runs).'),
      programId: z.string().regex(/^\d+$/, 'a numeric program id').optional().describe('Program id for the tag/provider (default: AFFITOR_PROGRAM_ID, else the sandbox program 1).'),
      api: z.string().url().optional().describe('API base the project talks to (default: AFFITOR_API_URL, else the local sandbox).'),
    };
    const plan = async (input: { dir: string; programId?: string; api?: string }) => {
      // The init command's own planner, loaded only when asked for (it brings the codemod libraries).
      const { planInit, DEFAULT_OPTIONS } = await import('./init.js');
      return planInit(resolve(input.dir), {
        programId: input.programId ?? (programIdFromEnv !== undefined ? String(programIdFromEnv) : DEFAULT_OPTIONS.programId),
        api: input.api ?? (env.AFFITOR_API_URL || (await findLocalSandbox(env))?.api || DEFAULT_OPTIONS.api),
      });
    };

    server.registerTool(
      'plan_integration',
      {
        title: 'Plan the Affitor integration of a project',
        description: 'Detects the stack and lists the edits `affitor-tracker init` would make (files, what each edit does), the ones it refuses and the steps left (`skipped`, each `refused` or `todo` with the edit to make), and the package-manager command that adds affitor-tracker. Changes nothing.',
        inputSchema: projectInput,
      },
      answering(async (input) => {
        const p = await plan(input);
        return answer({ stack: p.stack, apps: p.apps, changes: p.changes.map((c) => ({ file: c.file, action: c.action, summary: c.summary })), skipped: p.skipped, installs: p.installs, notes: p.notes });
      }),
    );
    server.registerTool(
      'init_dry_run',
      {
        title: 'affitor-tracker init --dry-run',
        description: 'The exact edits `affitor-tracker init` would write, as one unified diff per file, plus the refused edits. Writes nothing; apply with `npx affitor-tracker init --yes`.',
        inputSchema: projectInput,
      },
      answering(async (input) => {
        const p = await plan(input);
        return answer({ stack: p.stack, apps: p.apps, changes: p.changes.map((c) => ({ file: c.file, action: c.action, diff: c.diff })), skipped: p.skipped, installs: p.installs });
      }),
    );
    server.registerTool(
      'verify',
      {
        title: 'Verify the integration',
        description: 'Runs the test chain click → lead → sale → refund in test mode against the configured API, then reads readiness; every gate with pass/fail and the next action.',
        inputSchema: {},
      },
      answering(async () => {
        // A failing gate is a result to act on (its next_action), not a failure of the tool.
        return answer({ ...(await runVerification(await getTarget())) });
      }),
    );
    server.registerTool(
      'readiness',
      {
        title: "The program's readiness",
        description: 'GET /api/v1/programs/me/readiness: state, blocker and each go-live gate with its next action.',
        inputSchema: { forceRecheck: z.boolean().default(false).describe('Ask the API to re-check the tracking gate now.') },
      },
      answering(async ({ forceRecheck }) => {
        return trackAnswer(await (await client()).readiness({ forceRecheck }));
      }),
    );
    server.registerTool(
      'track_click',
      {
        title: 'Record a click',
        description: 'POST /api/v1/track/click for an affiliate link (e.g. https://yoursite.com/?aff=PARTNER).',
        inputSchema: {
          affiliateUrl: z.string().url().describe('The landing URL with its aff parameter.'),
          pageUrl: z.string().url().optional(),
          referrerUrl: z.string().url().optional(),
          testMode: testModeInput,
        },
      },
      answering(async ({ affiliateUrl, pageUrl, referrerUrl, testMode }) => {
        const affitor = await client();
        return trackAnswer(await affitor.trackClick({ affiliateUrl, pageUrl, referrerUrl, additionalData: await testData(affitor, testMode) }));
      }),
    );
    server.registerTool(
      'track_lead',
      {
        title: 'Record a signup (lead)',
        description: 'POST /api/v1/track/lead with the customer key and/or the click id.',
        inputSchema: {
          customerKey: z.string().min(1).optional().describe('Your stable user id.'),
          clickId: z.string().min(1).optional().describe("The visitor's affitor_click_id."),
          email: z.string().email().optional(),
          testMode: testModeInput,
        },
      },
      answering(async ({ customerKey, clickId, email, testMode }) => {
        const affitor = await client();
        return trackAnswer(await affitor.trackLead({ customerExternalId: customerKey, clickId, email, additionalData: await testData(affitor, testMode) }));
      }),
    );
    server.registerTool(
      'track_sale',
      {
        title: 'Record a sale',
        description: 'POST /api/v1/track/sale. transactionId is the idempotency key: a repeat answers duplicate.',
        inputSchema: {
          transactionId: z.string().min(1).describe('Your unique payment/order id.'),
          amountCents: z.number().int().positive().describe('Amount in the minor unit (cents).'),
          customerKey: z.string().min(1).optional(),
          clickId: z.string().min(1).optional(),
          currency: z.enum(['USD', 'EUR', 'VND']).optional(),
          testMode: testModeInput,
        },
      },
      answering(async ({ transactionId, amountCents, customerKey, clickId, currency, testMode }) => {
        const affitor = await client();
        return trackAnswer(
          await affitor.trackSale({ invoiceId: transactionId, amount: amountCents, customerExternalId: customerKey, clickId, currency, additionalData: testMode ? { test_mode: true } : undefined }),
        );
      }),
    );
    server.registerTool(
      'track_refund',
      {
        title: 'Record a refund',
        description: "POST /api/v1/track/refund: reverses the sale's commission, fully or by refundAmountCents.",
        inputSchema: {
          transactionId: z.string().min(1).describe("The original sale's transactionId."),
          refundAmountCents: z.number().int().positive().optional().describe('Omit for a full refund.'),
          refundReason: z.string().optional(),
        },
      },
      answering(async ({ transactionId, refundAmountCents, refundReason }) => {
        return trackAnswer(await (await client()).trackRefund({ invoiceId: transactionId, refundAmountCents, refundReason }));
      }),
    );

    const transport = new StdioServerTransport();
    const closed = new Promise<void>((done) => {
      server.server.onclose = () => done();
    });
    // The client going away (stdin closed) ends the server.
    process.stdin.once('end', () => void server.close());
    await server.connect(transport);
    await closed;
    // A sandbox started for this server stops with it.
    if (target) await target.then((t) => t.close(), () => {});
    return EXIT.ok;
  });
}
