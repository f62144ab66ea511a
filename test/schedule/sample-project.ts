import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';

/** A temp project with the sample workbook inside it, as the sample project names it (data/b4b-sample.xlsx). */
export async function sampleProject(): Promise<TempProject> {
  const project = await tempProject({ workbook: 'data/b4b-sample.xlsx' });
  await mkdir(path.join(project.root, 'data'));
  await copyFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'), path.join(project.root, 'data', 'b4b-sample.xlsx'));
  return project;
}
