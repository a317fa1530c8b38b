import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandLine, isAlive } from './process.js';

/**
 * `.stack/pids.json`: who runs the stack, and every service it started, so that
 * `npm run down` can stop a stack started in another terminal (or left behind by a crash).
 */
interface PidsFile {
  runner: number;
  gatewayUrl?: string;
  services: Array<{ name: string; pid: number; command: string }>;
}

const file = (dir: string) => path.join(dir, 'pids.json');

export function readPids(dir: string): PidsFile | undefined {
  if (!existsSync(file(dir))) return undefined;
  try {
    return JSON.parse(readFileSync(file(dir), 'utf8')) as PidsFile;
  } catch {
    return undefined;
  }
}

export function writePids(dir: string, pids: PidsFile): void {
  writeFileSync(file(dir), JSON.stringify(pids, null, 2));
}

export function clearPids(dir: string): void {
  rmSync(file(dir), { force: true });
}

/** The runner of a stack that is still up in `dir`, if any. */
export function runningStack(dir: string): PidsFile | undefined {
  const pids = readPids(dir);
  return pids && pids.runner !== process.pid && isAlive(pids.runner) ? pids : undefined;
}

/** Stops a stack from outside: ask its runner; then stop whatever it left behind. */
export async function stopStackIn(dir: string, log: (line: string) => void): Promise<boolean> {
  const pids = readPids(dir);
  if (!pids) return false;
  if (isAlive(pids.runner)) {
    log(`stopping the stack runner (pid ${pids.runner})…`);
    process.kill(pids.runner, 'SIGTERM');
    for (let i = 0; i < 600 && isAlive(pids.runner); i += 1) await sleep(100);
  }
  // Services the runner could not stop (it was killed): only our own processes, not reused pids.
  const leftovers = pids.services.filter((s) => isAlive(s.pid) && commandLine(s.pid).includes(s.command));
  for (const s of [...leftovers].reverse()) {
    log(`stopping leftover ${s.name} (pid ${s.pid})`);
    process.kill(s.pid, s.name.startsWith('postgres') ? 'SIGINT' : 'SIGTERM');
    for (let i = 0; i < 200 && isAlive(s.pid); i += 1) await sleep(100);
    if (isAlive(s.pid)) process.kill(s.pid, 'SIGKILL');
  }
  clearPids(dir);
  return true;
}
