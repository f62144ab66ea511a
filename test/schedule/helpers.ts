import { spawn } from 'node:child_process';
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

export interface Child {
  done: Promise<number | null>;
  stderr: () => string;
  signal: (name: NodeJS.Signals) => void;
}

/** The built program left running (schedule, serve): its stderr is its log. */
export function startCli(args: string[]): Child {
  // As a service runs it: its log is JSON lines.
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'b4b-reports.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, B4B_LOG_FORMAT: 'json' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { done: new Promise((resolve) => child.on('close', resolve)), stderr: () => stderr, signal: (name) => child.kill(name) };
}

/** Waits, up to a minute, until `test` holds. */
export async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (test()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
