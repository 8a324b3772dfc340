/**
 * The groups a table is split into: rows do the same work within a group,
 * and only there are they compared. Each group names its like-for-like
 * reference; a ratio is a row's speed over the reference's, measured in the
 * same rounds. A row in another group has no ratio to it (the work differs).
 */

export type GroupName = 'strings' | 'frames' | 'encode' | 'limit';

export interface Group {
  name: GroupName;
  /** The heading of the group's rows. */
  title: string;
  /** One line under the table and in the chart: what every row of the group does. */
  work: string;
  /** The contender whose rows are the reference (per workload; the encode suite names one per message). */
  reference: string;
}

export const GROUPS: Record<GroupName, Group> = {
  strings: {
    name: 'strings',
    title: 'every value as a string',
    work: 'every DataRow value becomes a JS string (NULL stays null): what a client hands its caller; ratios to pg-protocol',
    reference: 'pg-protocol',
  },
  frames: {
    name: 'frames',
    title: 'frames only',
    work: "each frame's type and bounds, nothing decoded: what a proxy or pooler needs; ratios to a plain JS splitter written here",
    reference: 'js-splitter',
  },
  encode: {
    name: 'encode',
    title: 'encode',
    work: "the same messages to bytes, checked byte-identical first; ratios to pg-protocol's serialize (DataRow: a hand-written Buffer encoder)",
    reference: 'pg-protocol',
  },
  limit: {
    name: 'limit',
    title: 'physical limit',
    work: 'a copy of each read into a reused, cache-resident buffer of the read size and nothing else: every row pays it first, so none passes it (of limit = a row’s speed over it; with --chunking whole nothing is copied and a row can)',
    reference: 'memcpy',
  },
};

/** Report order of the groups of a workload's table. */
export const GROUP_ORDER: readonly GroupName[] = ['strings', 'frames', 'encode', 'limit'];
