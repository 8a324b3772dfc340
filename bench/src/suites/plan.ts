/**
 * Which tasks a suite runs: every workload × chunking × contender × mode the
 * contender supports. A mode-independent contender is one task per workload
 * × chunking (run in the first selected mode it supports, shown as 'all').
 * Unsupported combinations become rows marked "—", for the modes that mean
 * something for the workload.
 */
import { modesFor, type Chunking, type Contender, type Mode } from '../contenders/types.ts';
import type { Measurement } from '../results.ts';
import type { Workload } from '../workloads.ts';

export interface PlannedTask {
  workload: Workload;
  chunking: Chunking | 'tcp';
  contender: Contender;
  mode: Mode;
  shownAs: Mode | 'all';
  label: string;
}

export interface Plan {
  tasks: PlannedTask[];
  unsupported: Measurement[];
}

export function plan(
  suite: 'throughput' | 'tcp',
  workloads: readonly Workload[],
  chunkings: readonly (Chunking | 'tcp')[],
  contenders: readonly Contender[],
  modes: readonly Mode[],
): Plan {
  const tasks: PlannedTask[] = [];
  const unsupported: Measurement[] = [];
  for (const workload of workloads) {
    const applicable = modes.filter((m) => modesFor(workload).includes(m));
    for (const chunking of chunkings) {
      const miss = (contender: Contender, mode: Mode | 'all') =>
        unsupported.push({ suite, workload: workload.name, chunking, contender: contender.name, mode, supported: false });
      for (const contender of contenders) {
        const add = (mode: Mode, shownAs: Mode | 'all') =>
          tasks.push({
            workload,
            chunking,
            contender,
            mode,
            shownAs,
            label: `${workload.name} ${chunking} ${contender.name}${shownAs === 'all' ? '' : ` ${mode}`}`,
          });
        if (contender.modeIndependent) {
          const m = modes.find((mode) => contender.supports(mode, workload));
          if (m) add(m, 'all');
          else miss(contender, 'all');
        } else {
          for (const mode of applicable) {
            if (contender.supports(mode, workload)) add(mode, mode);
            else miss(contender, mode);
          }
        }
      }
    }
  }
  return { tasks, unsupported };
}
