import type { CatalogueEntry } from '../config/catalogue.js';

export type Polarity = CatalogueEntry['polarity'];
export type Rag = 'green' | 'amber' | 'red';
/** Improved, worsened or held since last month, polarity taken into account. */
export type Direction = 'improved' | 'worsened' | 'same';
/** The raw rise or fall, polarity ignored (the assurance clinic's Trend column). */
export type Trend = 'up' | 'down' | 'same';

export interface Tolerance {
  /** Amber band for percentages, in percentage points (5 = five points). */
  percentPoints: number;
  /** Amber band for counts and rates, as a percentage of the target (10 = within 10%). */
  percentOfTarget: number;
}

const EPSILON = 1e-9;

/** An indicator's amber band: its catalogue `tolerance` (points for a percentage, per cent of the target otherwise), else the catalogue's default. */
export function toleranceFor(defaults: Tolerance, entryTolerance: number | undefined, percent: boolean): Tolerance {
  if (entryTolerance === undefined) return defaults;
  return percent ? { ...defaults, percentPoints: entryTolerance } : { ...defaults, percentOfTarget: entryTolerance };
}

/** The amber band in the figure's own units: points become fractions for percentages. */
export function amberBand(target: number, percent: boolean, tolerance: Tolerance): number {
  return percent ? tolerance.percentPoints / 100 : (Math.abs(target) * tolerance.percentOfTarget) / 100;
}

/**
 * RAG of a figure against its target.
 * - Green: the target is met (at or beyond it in the good direction; a comparison target such as
 *   "<36%" is met when the comparison holds).
 * - Amber: not met, but within the amber band of the target.
 * - Red: further away than that.
 * - None: no figure, no target, or an indicator without polarity (unless the target is a comparison,
 *   which carries its own direction).
 */
/** How a target typed as a comparison ("<10%", "≥ 95%") compares. */
export type ComparisonOp = '<' | '<=' | '>' | '>=';

/** What computeRag reads of a target (a dataset Figure): a number, a comparison ("<10%"), or no figure. */
export type TargetValue = { kind: 'number'; value: number } | { kind: 'comparison'; op: ComparisonOp; value: number } | { kind: 'missing' };

export function computeRag(
  value: number | undefined,
  target: TargetValue | undefined,
  polarity: Polarity,
  percent: boolean,
  tolerance: Tolerance,
): Rag | undefined {
  if (value === undefined || target === undefined) return undefined;
  const judged = judge(value, target, polarity);
  if (!judged) return undefined;
  if (judged.met) return 'green';
  return judged.shortfall <= amberBand(judged.goal, percent, tolerance) + EPSILON ? 'amber' : 'red';
}

/**
 * Whether a figure meets its target: at or beyond it in the good direction, or for a comparison
 * ("<36%", "≥ 95%") when the comparison holds (its own direction). None for a plain target of a
 * neutral indicator, or no target. The team tables' ▼ is its "not met"; Green in a RAG is its "met".
 */
export function meetsTarget(value: number, target: TargetValue, polarity: Polarity): boolean | undefined {
  return judge(value, target, polarity)?.met;
}

function judge(value: number, target: TargetValue, polarity: Polarity): { goal: number; shortfall: number; met: boolean } | undefined {
  let higherIsBetter: boolean;
  let strict = false;
  if (target.kind === 'comparison') {
    higherIsBetter = target.op === '>' || target.op === '>=';
    strict = target.op === '<' || target.op === '>';
  } else if (target.kind === 'number') {
    if (polarity === 'neutral') return undefined;
    higherIsBetter = polarity === 'higher-is-better';
  } else {
    return undefined;
  }
  const goal = target.value;
  const shortfall = higherIsBetter ? goal - value : value - goal; // > 0: the target is missed
  return { goal, shortfall, met: strict ? shortfall < -EPSILON : shortfall <= EPSILON };
}

/**
 * The RAG of a figure typed as a comparison ("<300", ">90%"), from the RAG of every figure it allows:
 * figures are 0 or more, and a percentage at most 100%. A rating changes with the figure in one
 * direction only, so the figures at the two ends of what the comparison allows give every RAG it can
 * have (`possible`, Green to Red); `rag` is set where that is one RAG ("<300" against a target of at
 * most 500 is certainly met), undefined where the rating depends on the figure itself.
 */
export function ragOfComparison(
  figure: { op: ComparisonOp; value: number },
  percent: boolean,
  ragOf: (value: number) => Rag | undefined,
): { rag?: Rag; possible: Rag[] } {
  const below = figure.op === '<' || figure.op === '<=';
  const strict = figure.op === '<' || figure.op === '>';
  // Just inside a strict bound ("<95%" is never 95%): a step far below any printed decimal, far above EPSILON.
  const step = strict ? Math.max(1, Math.abs(figure.value)) * 1e-7 : 0;
  const bound = below ? figure.value - step : figure.value + step;
  const far = below ? 0 : percent ? 1 : Number.POSITIVE_INFINITY;
  if (below ? bound < far : bound > far) return { possible: [] };
  const ends = [ragOf(bound), ragOf(far)];
  if (ends.some((r) => r === undefined)) return { possible: [] };
  const order: Rag[] = ['green', 'amber', 'red'];
  const [a, b] = ends.map((r) => order.indexOf(r as Rag)).sort() as [number, number];
  const possible = order.slice(a, b + 1);
  return possible.length === 1 ? { rag: possible[0] as Rag, possible } : { possible };
}

/** The raw rise or fall since last month. */
export function computeTrend(current: number | undefined, previous: number | undefined): Trend | undefined {
  if (current === undefined || previous === undefined) return undefined;
  const diff = current - previous;
  if (Math.abs(diff) < EPSILON) return 'same';
  return diff > 0 ? 'up' : 'down';
}

/** Improved or worsened since last month, by the indicator's polarity; none for a neutral indicator. */
export function computeDirection(current: number | undefined, previous: number | undefined, polarity: Polarity): Direction | undefined {
  const trend = computeTrend(current, previous);
  if (trend === undefined || polarity === 'neutral') return undefined;
  if (trend === 'same') return 'same';
  return (trend === 'up') === (polarity === 'higher-is-better') ? 'improved' : 'worsened';
}

/** RAG and direction of travel as words, for run records and comparisons (the page shows symbols). */
export const RAG_WORDS: Record<Rag, string> = { green: 'Green', amber: 'Amber', red: 'Red' };
export const DIRECTION_WORDS: Record<Direction, string> = { improved: 'improved', worsened: 'worsened', same: 'no change' };
/** The arrows the reports print for Direction of travel and Trend. */
export const DIRECTION_ARROWS: Record<Direction, string> = { improved: '↑', worsened: '↓', same: '→' };
export const TREND_ARROWS: Record<Trend, string> = { up: '↑', down: '↓', same: '→' };
export const TREND_WORDS: Record<Trend, string> = { up: 'rose', down: 'fell', same: 'held' };
