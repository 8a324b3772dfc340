/**
 * What every row of a group must return from a pass, counted from the
 * workload's own frames (workloads/frames.ts): a row that did less (or
 * other) work than its group says fails the run before anything is timed.
 */
import type { Variant } from './contenders/types.ts';
import type { GroupName } from './groups.ts';
import { valuesOf, type Workload } from './workloads/index.ts';

/** The checksum of a group's work on a workload. */
export function expectedChecksum(group: GroupName, w: Workload): number {
  switch (group) {
    case 'strings':
      return valuesOf(w);
    case 'frames':
      return w.messages;
    case 'limit':
      return w.bytes.length;
    case 'encode':
      throw new Error('the encode suite checks bytes, not checksums');
  }
}

const WHAT: Record<GroupName, string> = {
  strings: 'as the sum of its values’ string lengths + 1',
  frames: 'frames',
  limit: 'bytes',
  encode: 'bytes',
};

/** Throws unless `got` is the group's checksum: the variant did not do its group's work. */
export function crossCheck(label: string, v: Variant, w: Workload, got: number): void {
  const want = expectedChecksum(v.group, w);
  if (got !== want) {
    throw new Error(
      `cross-check failed: ${label} returned ${got} but the ${w.name} workload counts ${want} ${WHAT[v.group]}; ` +
        'the rows of its group would not be doing the same work, so no numbers are reported',
    );
  }
}
