/**
 * How busy the rest of the machine was while we measured: CPU time of the
 * whole machine (/proc/stat) minus this process's own (all its threads),
 * as a percentage of one core. Linux only; null elsewhere.
 */
import { readFileSync } from 'node:fs';

interface Mark {
  at: number;
  machineBusyMs: number;
  ownMs: number;
}

function machineBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy
    const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + (f[7] ?? 0);
    return (busy * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export function mark(): Mark | null {
  const busy = machineBusyMs();
  if (busy === null) return null;
  const u = process.cpuUsage();
  return { at: performance.now(), machineBusyMs: busy, ownMs: (u.user + u.system) / 1000 };
}

/** Percent of one core that other processes used between two marks. */
export function othersCpuPercent(a: Mark | null, b: Mark | null): number | null {
  if (!a || !b) return null;
  const elapsed = b.at - a.at;
  if (elapsed <= 0) return null;
  const others = b.machineBusyMs - a.machineBusyMs - (b.ownMs - a.ownMs);
  return Math.max(0, Math.round((100 * others) / elapsed));
}
