// `npm run lint:layers` (run by `npm test`): the backend's imports run one way, down.
//
//   app.ts, cluster/, cli/        the composition root and the processes
//   admin-contract.ts             the admin API for the console: answers and request schemas
//   features/<feature>/           capabilities; a feature may use a lower one's services
//   contract/                     the API's shapes, shared with the console
//   infra/, domain/               plumbing and the shared concepts (entitlement, business
//                                 day, actor and roles, money); they import no feature
//
// Rules, each failing the check with the files named:
//   1. no import circle between files;
//   2. no circle between features (a feature that imports another is above it);
//   3. domain/ imports only domain/; infra/ and contract/ import no feature; the request
//      schemas (`*-schemas.ts`), which the console bundles through src/admin-contract.ts,
//      import only schemas, domain/, contract/ and infra/input-fields.ts;
//   4. a feature never imports another feature's store (`*-store.ts`): it asks that
//      feature's service, or takes a narrow function in its dependencies.
// Test files are not checked: a test may reach anything it needs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

const SRC = path.join(REPO_ROOT, 'services/backend/src');
/** What a request schema may build on: the console bundles the schemas, so nothing that needs Node. */
const SCHEMA_LAYERS = ['domain/', 'contract/', 'infra/input-fields.ts'];

export interface Violation {
  rule: string;
  detail: string;
}

function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) sourceFiles(full, found);
    else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'";]*?(?:from\s*)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The files each source file imports (relative imports only; packages are not layers). */
export function importGraph(root = SRC): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(root)) {
    const targets = new Set<string>();
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = (match[1] ?? match[2])!;
      targets.add(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
    graph.set(path.relative(root, file), new Set([...targets].map((t) => path.relative(root, t))));
  }
  return graph;
}

/** The layer a file belongs to: `features/<name>`, or its top folder (`infra`, `domain` …), or the file itself. */
export function layerOf(file: string): string {
  const parts = file.split(path.sep);
  if (parts[0] === 'features' && parts.length > 2) return `features/${parts[1]}`;
  return parts.length > 1 ? parts[0]! : file;
}

/** The circles of a directed graph (its strongly connected components of two or more nodes). */
export function circles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== node);
      if (members.length > 1) found.push(members.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Everything the rules find in the backend's imports. */
export function checkLayers(graph = importGraph()): Violation[] {
  const violations: Violation[] = [];
  for (const circle of circles(graph)) violations.push({ rule: 'no import circle between files', detail: circle.join(' ⇄ ') });

  const layers = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    for (const target of targets) {
      const to = layerOf(target);
      if (file.endsWith('-schemas.ts') && !(target.endsWith('-schemas.ts') || SCHEMA_LAYERS.some((allowed) => target.startsWith(allowed)))) {
        violations.push({ rule: 'a schemas file imports only schemas, domain/, contract/ and infra/input-fields.ts', detail: `${file} → ${target}` });
      }
      if (from === to) continue;
      if (from.startsWith('features/') && to.startsWith('features/')) {
        if (!layers.has(from)) layers.set(from, new Set());
        layers.get(from)!.add(to);
        why.set(`${from}>${to}`, `${file} → ${target}`);
        if (target.endsWith('-store.ts')) violations.push({ rule: "a feature does not import another feature's store", detail: `${file} → ${target}` });
      }
      if (from === 'domain') violations.push({ rule: 'domain/ imports only domain/', detail: `${file} → ${target}` });
      if (from === 'infra' && to.startsWith('features/')) violations.push({ rule: 'infra/ imports no feature', detail: `${file} → ${target}` });
      if (from === 'contract' && to.startsWith('features/')) violations.push({ rule: 'contract/ imports no feature', detail: `${file} → ${target}` });
    }
  }
  for (const circle of circles(layers)) {
    const inside = new Set(circle);
    const ties = circle.flatMap((from) => [...(layers.get(from) ?? [])].filter((to) => inside.has(to)).map((to) => why.get(`${from}>${to}`)));
    violations.push({ rule: 'no circle between features', detail: `${circle.join(', ')}: ${ties.join('; ')}` });
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = importGraph();
  const violations = checkLayers(graph);
  const imports = [...graph.values()].reduce((n, targets) => n + targets.size, 0);
  for (const v of violations) console.error(`✖ ${v.rule}: ${v.detail}`);
  console.log(`layers: ${graph.size} backend files, ${imports} imports, ${violations.length} problem(s)`);
  process.exitCode = violations.length ? 1 : 0;
}
