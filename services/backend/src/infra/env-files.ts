import { readFileSync } from 'node:fs';

type Source = Record<string, string | undefined>;

/**
 * Docker secrets: any variable X may instead be given as X_FILE, naming a file whose content
 * is X's value (less one trailing newline, as `echo` leaves it). Secrets given this way are
 * not in the environment that `docker inspect` and /proc show. Empty values mean "unset",
 * as in most .env files; an empty file is as good as an unset variable.
 */
export function readEnvFiles(source: Source, names: readonly string[]): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) if (value !== undefined && value !== '') env[name] = value;
  const problems: string[] = [];
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    if (env[name] !== undefined) {
      problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      if (value !== '') env[name] = value;
    } catch (err) {
      // The path, never the content: the file holds a secret.
      problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return { env, problems };
}

/**
 * The URL with this password in it (for a URL that names its user but not the password,
 * so that only the password is a secret). Encoded so that Postgres' and Redis' clients read
 * back exactly the password, whatever characters it has.
 */
export function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Whether a URL carries a password of its own. */
export function hasPassword(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

/** The user a database URL names (decoded); undefined for a URL that does not parse. */
export function userOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).username);
  } catch {
    return undefined;
  }
}
