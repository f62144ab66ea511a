import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { runOne, runRequest } from '../fixtures/run-request.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { headerOf, signedIn, startConsole, type RunningConsole } from './console-helpers.js';

describe('the console over a project folder copied whole (cp -r)', () => {
  let konsole: RunningConsole;
  let copy: string;
  beforeAll(async () => {
    const original = await tinyProject();
    const run = await runOne(await loadSettings({ settingsFile: original.settings }), runRequest({ kind: 'report', name: 'performance' }));
    expect(run.record.outcome).toBe('success');
    copy = path.join(await mkdtemp(path.join(tmpdir(), 'b4b-console-copy-')), 'copy');
    await cp(original.root, copy, { recursive: true });
    konsole = await startConsole({
      project: {
        root: copy,
        settings: path.join(copy, 'config', 'b4b.yaml'),
        output: path.join(copy, 'output'),
        ledger: path.join(copy, 'output', 'runs', 'ledger.jsonl'),
      },
    });
  });
  afterAll(async () => konsole?.close());

  it("lists the files its runs wrote on the Outputs page, and serves the copy's own file", async () => {
    const { jar } = await signedIn(konsole.app, 'olivia');
    const outputs = await konsole.app.inject({ method: 'GET', url: '/outputs', headers: { cookie: headerOf(jar) } });
    expect(outputs.statusCode).toBe(200);
    expect(outputs.body).not.toContain('No files have been produced yet');
    expect(outputs.body).toContain('/files/2023-10/performance-2023-10.pdf');
    const file = await konsole.app.inject({ method: 'GET', url: '/files/2023-10/performance-2023-10.pdf', headers: { cookie: headerOf(jar) } });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(await readFile(path.join(copy, 'output', '2023-10', 'performance-2023-10.pdf')))).toBe(true);
  });
});
