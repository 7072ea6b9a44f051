// The .env entries the edits read, and the .gitignore line that keeps .env (it holds the program
// key) out of the repository.
import ignore from 'ignore';

export interface EnvEntry {
  key: string;
  value: string;
  comment: string;
}

/** Keys already set in a .env file (`KEY=…`, `export KEY=…`); comments and blank lines ignored. */
export function envKeys(source: string): Set<string> {
  const keys = new Set<string>();
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const assignment = line.startsWith('export ') ? line.slice('export '.length) : line;
    const equals = assignment.indexOf('=');
    if (equals > 0) keys.add(assignment.slice(0, equals).trim());
  }
  return keys;
}

/** The .env with the missing entries appended (null when every key is already there). */
export function withEnvEntries(existing: string | null, entries: EnvEntry[]): string | null {
  const have = envKeys(existing ?? '');
  const missing = entries.filter((entry) => !have.has(entry.key));
  if (missing.length === 0) return null;
  const lines = missing.flatMap((entry) => [`# ${entry.comment}`, `${entry.key}=${entry.value}`]);
  const start = existing === null || existing === '' ? '' : existing.endsWith('\n') ? `${existing}\n` : `${existing}\n\n`;
  return `${start}${lines.join('\n')}\n`;
}

/** The .gitignore with `.env` added (null when git already ignores .env under it). */
export function withEnvIgnored(existing: string | null): string | null {
  if (existing !== null && ignore().add(existing).ignores('.env')) return null;
  const start = existing === null || existing === '' ? '' : existing.endsWith('\n') ? existing : `${existing}\n`;
  return `${start}# Secrets (the Affitor program key): never commit\n.env\n`;
}
