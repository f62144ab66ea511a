import { describe, expect, it } from 'vitest';
import { layOut } from '../../src/layout/layout-threads.js';
import type { RunTarget } from '../../src/model/target.js';
import { produceContext } from '../../src/produce/context.js';
import { produceTargets } from '../../src/produce/month.js';
import { sampleInputs } from '../fixtures/sample-report.js';

describe('the targets of a month, produced at once', () => {
  it('tells of each set as soon as it is made, before the others are done; never of one that failed', { timeout: 120_000 }, async () => {
    const inputs = await sampleInputs();
    const events: string[] = [];
    // The performance report's layout is held until the finance report's set is told of (or 20 s pass):
    // a run stages a set that is made while the layout thread is still busy with the others.
    let financeMade = (): void => undefined;
    const financeTold = new Promise<void>((resolve) => (financeMade = resolve));
    const held = produceContext(async (task) => {
      if (task.kind === 'report' && /Performance Report/.test(task.options.title) && !events.includes('performance released')) {
        await Promise.race([financeTold, new Promise((resolve) => setTimeout(resolve, 20_000))]);
        events.push('performance released');
      }
      return layOut(task);
    });
    const targets: RunTarget[] = [
      { kind: 'report', name: 'finance' },
      { kind: 'report', name: 'performance' },
      { kind: 'report', name: 'no-such-report' },
    ];
    const results = await produceTargets(inputs, targets, '2023-10', held, {
      numberItemFiles: true,
      whenProduced: (index, set) => {
        events.push(`made ${index} ${set.target.name}`);
        if (set.target.name === 'finance') financeMade();
      },
    });
    expect(events).toEqual(['made 0 finance', 'performance released', 'made 1 performance']);
    expect(results.map((r) => r.outcome)).toEqual(['produced', 'produced', 'failed']);
  });
});
