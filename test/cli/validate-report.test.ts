/**
 * What validate prints for the sample workbook, in the order an officer reads it before a deadline.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';

describe('validate lists the warnings that matter first', () => {
  it("puts where the workbook's own RAG or arrow disagrees last, after the figures two tables disagree on", async () => {
    const project = await tempProject();
    const validate = await runCommand(['validate', '--settings', project.settings]);
    expect(validate.status, validate.stderr).toBe(0);
    const headings = validate.stdout
      .slice(validate.stdout.indexOf('\nWarnings ('))
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().replace(/ \(\d+\)$/, ''));
    expect(headings.at(-1)).toBe("The workbook's own RAG or arrow disagrees");
    expect(headings).toContain('Same indicator and month, different figures');
    expect(headings).toContain('Series shifted by a month');
  });
});
