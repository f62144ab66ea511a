/**
 * `catalogue draft` with something to draft, through the built program: the bundle's dynamic
 * import('yaml') had no stringify, so the command advised by "add the indicator to the catalogue
 * (b4b-reports catalogue draft writes its entry)" failed as a fault whenever it had an entry to write.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { buildWorkbook, header } from '../fixtures/workbooks.js';

describe('catalogue draft', () => {
  it('writes the entry of an indicator the catalogue lacks, as YAML to paste', async () => {
    const project = await tempProject();
    const workbook = path.join(project.root, 'new.xlsx');
    await writeFile(
      workbook,
      await buildWorkbook([{ name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of widgets counted', 11, 12, 13, 14, 15, 16, 20]] }]),
    );
    const draft = await runCommand(['catalogue', 'draft', workbook, '--settings', project.settings]);
    expect(draft.status, draft.stderr).toBe(0);
    expect(parse(draft.stdout)).toMatchObject([{ name: 'Number of widgets counted' }]);
  });
});
