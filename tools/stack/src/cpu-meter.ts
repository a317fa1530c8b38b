import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second of /proc's utime and stime (CLK_TCK, 100 on Linux almost everywhere). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in ticks. */
  ticks: number;
}

/** Every process's parent and CPU time, from /proc/<pid>/stat (fields after the command's closing parenthesis). */
function readStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the state (stat field 3): ppid is field 4, utime 14, stime 15.
      stats.push({ pid: Number(entry), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we read.
    }
  }
  return stats;
}

/** The CPU time (µs) of each group of process trees, each tree given by its root's pid. */
export function cpuMicros(groups: Record<string, number[]>): Record<string, number> {
  const stats = readStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const treeTicks = (root: number) => {
    let total = 0;
    const queue = [root];
    while (queue.length > 0) {
      const pid = queue.pop()!;
      total += byPid.get(pid)?.ticks ?? 0;
      for (const child of children.get(pid) ?? []) queue.push(child.pid);
    }
    return total;
  };
  return Object.fromEntries(Object.entries(groups).map(([name, roots]) => [name, (roots.reduce((sum, r) => sum + treeTicks(r), 0) * 1e6) / TICKS_PER_SECOND]));
}

/** CPU used by each group while `work` runs. */
export async function cpuDuring<T>(groups: Record<string, number[]>, work: () => Promise<T>): Promise<{ result: T; micros: Record<string, number> }> {
  const before = cpuMicros(groups);
  const result = await work();
  const after = cpuMicros(groups);
  return { result, micros: Object.fromEntries(Object.keys(groups).map((g) => [g, after[g]! - before[g]!])) };
}
