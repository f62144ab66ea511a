import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

/** The console's pages: templates/console/*.hbs, HTML-escaped (unlike the report templates). */
export const VIEWS_DIR = fileURLToPath(new URL('../../templates/console/', import.meta.url));

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** "Tue 1 Dec 2026, 07:45 GMT": every time the console shows is on the Europe/London clock. */
export function londonTime(date: Date | string | undefined): string {
  if (date === undefined) return '';
  const d = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(d.getTime()) ? '' : LONDON.format(d).replace(/ at /, ', ');
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface Views {
  render(name: string, data: Record<string, unknown>): string;
}

export async function loadViews(): Promise<Views> {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('londonTime', (d: Date | string | undefined) => londonTime(d));
  hb.registerHelper('fileSize', (n: number) => fileSize(n));
  hb.registerHelper('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of await readdir(VIEWS_DIR)) {
    if (!file.endsWith('.hbs')) continue;
    const name = file.replace(/\.hbs$/, '');
    const source = await readFile(path.join(VIEWS_DIR, file), 'utf8');
    if (name.startsWith('_')) hb.registerPartial(name.slice(1), source);
    else templates.set(name, hb.compile(source, { strict: false }));
  }
  const layout = templates.get('layout');
  if (!layout) throw new Error(`${VIEWS_DIR}layout.hbs is missing`);
  return {
    render(name, data) {
      const page = templates.get(name);
      if (!page) throw new Error(`${VIEWS_DIR}${name}.hbs is missing`);
      return layout({ ...data, body: new hb.SafeString(page(data)) });
    },
  };
}
