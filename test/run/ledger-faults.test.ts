import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boundRecord, describeSkipped, LIMITS, RunLedger } from '../../src/run/ledger.js';
import { runRecord } from '../fixtures/run-record.js';
import { ROOT } from '../fixtures/workbooks.js';

const record = runRecord;

async function tempLedger(): Promise<RunLedger> {
  return new RunLedger(path.join(await mkdtemp(path.join(tmpdir(), 'b4b-ledger-')), 'runs', 'ledger.jsonl'));
}

describe('a ledger record has a bounded size', () => {
  it('a 10 MB indicator name in every warning and change makes a line of at most 64 KB, each text cut and said so', async () => {
    const name = 'x'.repeat(10 * 1024 * 1024);
    const ledger = await tempLedger();
    await ledger.append(
      record('big', {
        outcome: 'failed',
        error: `the workbook has 1 error(s): ${name}`,
        warnings: Array.from({ length: 500 }, () => `not in the catalogue: ${name}`),
        changes: Array.from({ length: 300 }, () => ({ where: name, indicator: name, month: '2023-10', old: '1', new: '2' })),
      }),
    );
    const size = (await stat(ledger.file)).size;
    expect(size).toBeLessThanOrEqual(LIMITS.recordBytes + 1);
    const [stored] = await ledger.read();
    expect(stored?.warningsTotal).toBe(500);
    expect(stored?.changesTotal).toBe(300);
    expect(stored?.error?.length).toBeLessThanOrEqual(LIMITS.text);
    expect(stored?.error).toMatch(/ … \[10,48[0-9,]+ more characters cut\]$/);
    for (const w of stored?.warnings ?? []) expect(w.length).toBeLessThanOrEqual(LIMITS.text);
  });

  it('an ordinary record is stored as it is', () => {
    const r = record('small', { warnings: ['one', 'two'], changes: [{ where: 'w', indicator: 'i', month: '2023-10', old: '1', new: '2' }] });
    expect(boundRecord(r)).toEqual(r);
  });
});

describe('a damaged ledger is read, and says what it skipped', () => {
  it('skips a cut-short line, null, {}, wrong types and an over-long line, and never merges two records', async () => {
    const ledger = await tempLedger();
    await ledger.append(record('first'));
    // A writer killed mid-line: the file ends without a newline.
    await appendFile(ledger.file, JSON.stringify(record('cut')).slice(0, 80));
    await ledger.append(record('second'));
    await appendFile(ledger.file, 'null\n{}\n{"id":5,"target":"board"}\n');
    await appendFile(ledger.file, `"${'y'.repeat(LIMITS.lineBytes + 10)}"\n`);
    await ledger.append(record('third', { outcome: 'failed' }));

    const { records, skipped } = await ledger.readAll();
    expect(records.map((r) => r.id)).toEqual(['first', 'second', 'third']);
    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'not JSON: cut short or damaged'],
      [4, 'not a run record: the line: Invalid input: expected object, received null'],
      [5, 'not a run record: id: Invalid input: expected string, received undefined'],
      [6, 'not a run record: id: Invalid input: expected string, received number'],
      [7, 'longer than 256 KB'],
    ]);
    expect(describeSkipped(skipped)).toBe(
      'the run ledger has 5 damaged line(s), skipped: ledger.jsonl line 2 (not JSON: cut short or damaged); ledger.jsonl line 4 (not a run record: the line: Invalid input: expected object, received null); ' +
        'ledger.jsonl line 5 (not a run record: id: Invalid input: expected string, received undefined); ledger.jsonl line 6 (not a run record: id: Invalid input: expected string, received number); ' +
        'ledger.jsonl line 7 (longer than 256 KB)',
    );
    // The slot check still sees the record written after the cut-short line.
    await ledger.append(record('slot', { job: 'board-monthly', slot: '2023-11-10T07:00' }));
    await appendFile(ledger.file, '{"id":"half');
    expect(await ledger.hasSlot('board-monthly', '2023-11-10T07:00')).toBe(true);
  });
});

describe('a ledger read in parts', () => {
  it('reads every record whole, where a line goes on from one read of the file into the next, even inside a character', async () => {
    // 42 records of 53 KB of warnings, "›x" over and over ("›" is three bytes): 2.2 MB, read 1 MB at a
    // time. A first record a byte or two longer shifts the rest until the first read ends inside a "›".
    const warnings = (n: number): string[] => Array.from({ length: 40 }, (_, i) => `${n}-${i} ${'›x'.repeat(330)}`);
    const written = Array.from({ length: 42 }, (_, n) => record(`r${n}`, { warnings: warnings(n) }));
    const boundary = 1024 * 1024;
    for (let shift = 0; shift < 4; shift++) {
      const ledger = await tempLedger();
      await ledger.append(record(`first${'-'.repeat(shift)}`));
      for (const r of written) await ledger.append(r);
      const bytes = await readFile(ledger.file);
      expect(bytes.length).toBeGreaterThan(2 * boundary);
      if ((bytes[boundary]! & 0xc0) !== 0x80) continue; // the read ends between two characters: shift again
      const { records, skipped } = await ledger.readAll();
      expect(skipped).toEqual([]);
      expect(records.slice(1).map((r) => r.warnings)).toEqual(written.map((r) => r.warnings));
      return;
    }
    throw new Error('no shift put the end of the first read inside a character');
  });
});

describe('the ledger is rotated', () => {
  it('moves a full file to ledger.1.jsonl and keeps a bounded number of generations, with their figure snapshots', async () => {
    const ledger = new RunLedger((await tempLedger()).file, { fileBytes: 4000 });
    const filler = 'w'.repeat(900);
    await mkdir(ledger.folder, { recursive: true });
    for (let i = 0; i < 40; i++) {
      const figures = `run-${i}.figures.json.gz`;
      await writeFile(path.join(ledger.folder, figures), 'x');
      await ledger.append(record(`run-${i}`, { warnings: [filler], figures }));
    }
    const files = await ledger.files();
    expect(files.map((f) => path.basename(f))).toEqual(['ledger.jsonl', 'ledger.1.jsonl', 'ledger.2.jsonl', 'ledger.3.jsonl']);
    for (const f of files) expect((await stat(f)).size).toBeLessThanOrEqual(4000);
    const ids = (await ledger.read()).map((r) => r.id);
    expect(ids.at(-1)).toBe('run-39');
    expect(ids.length).toBeLessThan(40);
    // The oldest runs' snapshots went with their records; the kept ones are there.
    const first = ids[0]!;
    await expect(stat(path.join(ledger.folder, 'run-0.figures.json.gz'))).rejects.toThrow();
    await expect(stat(path.join(ledger.folder, `${first}.figures.json.gz`))).resolves.toBeDefined();
  });
});

describe('appends from several processes at once', () => {
  it('never interleave: 4 processes x 25 records of 20 KB each give 100 whole records', async () => {
    const ledger = await tempLedger();
    const module = pathToFileURL(path.join(ROOT, 'src', 'run', 'ledger.ts')).href;
    const script = `
      const { RunLedger } = await import(${JSON.stringify(module)});
      const ledger = new RunLedger(${JSON.stringify(ledger.file)});
      const base = ${JSON.stringify(record('x'))};
      for (let i = 0; i < 25; i++) await ledger.append({ ...base, id: process.argv[1] + '-' + i, warnings: [String(i).repeat(20000).slice(0, 900)], error: 'e'.repeat(3000) });
    `;
    await Promise.all(
      ['a', 'b', 'c', 'd'].map(
        (name) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, name], { cwd: ROOT, stdio: 'inherit' });
            child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${name} exited ${code}`))));
          }),
      ),
    );
    const { records, skipped } = await ledger.readAll();
    expect(skipped).toEqual([]);
    expect(records).toHaveLength(100);
    expect(new Set(records.map((r) => r.id)).size).toBe(100);
    const text = await readFile(ledger.file, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(100);
  });
});

describe('a run recorded twice', () => {
  it('(published, then failed before any file was in place) reads as its later record, where its first was', async () => {
    const ledger = await tempLedger();
    await ledger.append(record('a'));
    await ledger.append(record('b', { set: { name: '2023-10/pack-board', id: 'b' } }));
    await ledger.append(record('c'));
    await ledger.append(record('b', { outcome: 'failed', error: 'EACCES: permission denied' }));
    const records = await ledger.read();
    expect(records.map((r) => [r.id, r.outcome])).toEqual([
      ['a', 'success'],
      ['b', 'failed'],
      ['c', 'success'],
    ]);
    expect(records[1]?.set).toBeUndefined();
  });
});
