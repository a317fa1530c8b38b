import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { renderStack } from './render-stack.js';

const USAGE = `npm run swarm -- render [--out FILE] [--stack NAME] [-f EXTRA.yml …]
  Writes the Swarm stack file made from compose/docker-compose.production.yml and
  compose/docker-compose.swarm.yml (plus any -f files), interpolated with this environment
  and compose/.env, to FILE (default: standard output). Then, on a manager:
    docker stack deploy --resolve-image never -c FILE NAME
  docs/operations.md, "Docker Swarm".`;

export async function runSwarm(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'render') {
    console.error(USAGE);
    return 2;
  }
  let out: string | undefined;
  let stack = 'gateway';
  const extra: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[++i];
    if (value === undefined) return usage(`${flag} needs a value`);
    if (flag === '--out') out = value;
    else if (flag === '--stack') stack = value;
    else if (flag === '-f') extra.push(path.resolve(value));
    else return usage(`unknown option ${flag}`);
  }
  const compose = path.join(REPO_ROOT, 'compose');
  const text = renderStack({
    files: [path.join(compose, 'docker-compose.production.yml'), path.join(compose, 'docker-compose.swarm.yml'), ...extra],
    env: process.env,
    stack,
    root: REPO_ROOT,
  });
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  return 0;
}

function usage(problem: string): number {
  console.error(`${problem}\n${USAGE}`);
  return 2;
}
