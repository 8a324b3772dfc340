/**
 * Ratios, round by round. In each round a row and its group's reference ran
 * back to back (rounds.ts), so their ratio in that round is what the round
 * says; the report gives the median over rounds and how much the rounds
 * disagree (p25–p75, min–max). A row is flagged when that disagreement is
 * wider than what it claims:
 *
 *   ≈1  its p25–p75 is wider than its distance from 1×: the rounds cannot tell it from the reference
 *   ≈↑  its p25–p75 is wider than its distance from the row above it in its group (not the reference)
 */
import { spread, type Spread } from './stats.ts';

/** Speed of a task over the reference's, per round: the reference's slot time over the task's. */
export function perRoundRatios(taskMs: readonly number[], refMs: readonly number[]): number[] {
  if (taskMs.length !== refMs.length) throw new Error(`rounds differ: ${taskMs.length} vs ${refMs.length}`);
  return taskMs.map((t, r) => refMs[r]! / t);
}

export function summarize(ratios: readonly number[]): Spread {
  return spread(ratios);
}

export type Flag = '≈1' | '≈↑';

/** The flags of a row given its ratios' spread and, if any, the row above it in its group. */
export function flags(row: Spread, above: Spread | null): Flag[] {
  const width = row.p75 - row.p25;
  const out: Flag[] = [];
  if (width > Math.abs(row.median - 1)) out.push('≈1');
  if (above !== null && width > Math.abs(row.median - above.median)) out.push('≈↑');
  return out;
}

export const FLAG_LEGEND: Record<Flag, string> = {
  '≈1': 'the rounds disagree by more than the ratio differs from 1×: not shown to differ from the reference',
  '≈↑': 'the rounds disagree by more than the ratio differs from the row above: not shown to differ from it',
};
