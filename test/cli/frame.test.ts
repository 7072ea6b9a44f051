// The command frame: dispatch, --help, --json discipline and exit codes, through the real bin.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from './helpers';
import { assertBuilt, onlyJson, runCli, startSandboxProcess } from './helpers';

assertBuilt('sandbox', 'init', 'doctor');

describe('affitor-tracker dispatcher', () => {
  it('without a command prints the command list and exits 2 (usage)', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Usage: affitor-tracker <command>/);
    expect(r.stdout).toMatch(/^\s+sandbox\s/m);
  });

  it('--help exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Commands:/);
  });

  it('an unknown command is named on stderr, exit 2, nothing on stdout', async () => {
    const r = await runCli(['deploy']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown command "deploy"/);
  });

  it('an unknown flag is a usage error (exit 2) naming the flag; with --json it is the one JSON object', async () => {
    const plain = await runCli(['init', '--bogus']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/Unknown option '--bogus'/);
    const json = await runCli(['init', '--bogus', '--json']);
    expect(json.code).toBe(2);
    expect(onlyJson(json.stdout)).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(json.stderr).toBe('');
  });

  it('each command answers --help with its own usage, exit 0', async () => {
    for (const command of ['sandbox', 'init']) {
      const r = await runCli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`Usage: affitor-tracker ${command}`));
    }
  });

  it('sandbox still starts through the dispatcher, serves the API and stops on SIGTERM', async () => {
    const sandbox = await startSandboxProcess();
    try {
      const res = await fetch(`${sandbox.url}/api/v1/track/click`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ affiliate_url: 'http://shop.example/?aff=PARTNER_A', url: 'http://shop.example/?aff=PARTNER_A' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ success: true, partner_code: 'PARTNER_A' });
    } finally {
      await sandbox.stop();
    }
    expect(sandbox.child.exitCode).toBe(0);
  });

  it('progress shows on stderr in a terminal only, and is erased before the result', async () => {
    // Nothing listens on port 9: doctor fails fast after its progress line.
    const piped = await runCli(['doctor', 'http://127.0.0.1:9/']);
    expect(piped.code).toBe(4);
    expect(piped.stderr).not.toMatch(/Checking/);
    // util-linux `script` runs the command on a pseudo-terminal (stdout and stderr both on it).
    const tty = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} doctor http://127.0.0.1:9/`, '/dev/null'], { encoding: 'utf8' });
    expect(tty.status).toBe(4);
    expect(tty.stdout).toContain('Checking http://127.0.0.1:9/…\r\x1b[K');
  });
});
