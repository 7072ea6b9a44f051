// A framework fixture app as its users run it: built once with the framework's own build command
// (timed, printed for CI budgets), then started with its own production server on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Runs `node <bin> …args` in `cwd`; throws with its output when it fails. */
export function buildApp(label: string, cwd: string, bin: string, args: string[], env: NodeJS.ProcessEnv): void {
  const started = Date.now();
  const build = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`${label} failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  console.log(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export interface RunningApp {
  port: number;
  close(): void;
}

/** Starts `node <bin> …args` with PORT set (`port`, else a free one) and resolves once `GET /` answers 2xx. */
export async function startApp(cwd: string, bin: string, args: string[], env: NodeJS.ProcessEnv, port?: number): Promise<RunningApp> {
  port ??= await freePort();
  const server: ChildProcess = spawn(process.execPath, [bin, ...args], { cwd, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'pipe' });
  let output = '';
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<never>((_, fail) => server.once('exit', (code) => fail(new Error(`${bin} exited (${code}):\n${output}`))));
  const ready = (async () => {
    for (;;) {
      const answer = await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
      if (answer?.ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.race([ready, exited]);
  return { port, close: () => void server.kill() };
}
