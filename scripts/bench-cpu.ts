/**
 * CPU seconds each kind of process on this machine has used, from /proc (Linux): what a benchmark
 * reports beside its figures, so a reader sees which process a run was waiting for (the web
 * server, PostgreSQL, the worker, the load generator itself).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function kindOf(command: string): string {
  if (command.includes('postgres')) return 'PostgreSQL';
  if (command.includes('bench-baseline')) return 'bare endpoint';
  if (command.includes('server/web.ts')) return 'web';
  if (command.includes('server/worker.ts')) return 'worker';
  if (command.includes('temporal')) return 'Temporal';
  if (command.includes('scripts/bench.ts')) return 'load generator';
  return 'other';
}

export type CpuReading = Map<string, number>;

export function readCpu(): CpuReading {
  const reading: CpuReading = new Map();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return reading; // not Linux: nothing to report
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      const kind = kindOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
      reading.set(kind, (reading.get(kind) ?? 0) + seconds);
    } catch {
      // The process ended while it was being read.
    }
  }
  return reading;
}

/** "web 1.45 s, PostgreSQL 0.27 s, …": CPU used since `before`, largest first; processes that ended are not counted. */
export function cpuSince(before: CpuReading): string {
  return [...readCpu()]
    .map(([kind, seconds]) => [kind, seconds - (before.get(kind) ?? 0)] as const)
    .filter(([, seconds]) => seconds >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, seconds]) => `${kind} ${seconds.toFixed(2)} s`)
    .join(', ');
}
