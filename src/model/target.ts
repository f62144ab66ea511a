/** What a run produces: one configured report or pack. */
export interface RunTarget {
  kind: 'report' | 'pack';
  name: string;
}

/** "report performance", "pack board": a target as the run's lines and records name it. */
export function targetLabel(target: RunTarget): string {
  return `${target.kind} ${target.name}`;
}

/** "the performance report", "the board pack": a target in a sentence. */
export function targetInWords(target: RunTarget): string {
  return target.kind === 'pack' ? `the ${target.name} pack` : `the ${target.name} report`;
}
