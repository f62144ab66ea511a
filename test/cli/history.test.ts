import { describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';

describe('b4b-reports history', () => {
  it('lists each run with its outcome, workbook hash and outputs; --json gives the ledger records', async () => {
    const project = await tempProject();
    expect(runCli(['history', '--settings', project.settings]).stdout).toContain('No runs recorded yet');
    const args = ['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings];
    expect(runCli(args).status).toBe(0);
    expect(runCli(args).status).toBe(1); // refused: exists, no --force
    const listing = runCli(['history', '--settings', project.settings]).stdout.trim().split('\n');
    expect(listing).toHaveLength(2);
    expect(listing[0]).toMatch(
      /report performance\s+2023-10\s+on-demand\s+refused .* 0 files .* error: .*output\/2023-10\/performance-2023-10.pdf already exists/,
    );
    expect(listing[1]).toMatch(/report performance\s+2023-10\s+on-demand\s+success .* 2 files .* workbook [0-9a-f]{12}/);
    const json = JSON.parse(runCli(['history', '--json', '--settings', project.settings]).stdout) as {
      ok: boolean;
      ledger: string;
      runs: Array<{ outcome: string; workbook: { sha256: string }; outputs: unknown[] }>;
    };
    expect(json.ok).toBe(true);
    expect(json.ledger).toBe(project.ledger);
    const records = json.runs;
    expect(records.map((r) => r.outcome)).toEqual(['refused', 'success']);
    expect(records[1]?.workbook.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(records[1]?.outputs).toHaveLength(2);
  });
});
