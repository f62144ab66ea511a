/**
 * The page every HTML twin shares: one self-contained file (no scripts, no external files), lang
 * en-GB, styles for screen and print. The twins are the accessible version of the public documents
 * (the PDFs are not tagged), so the markup carries the meaning: headings in order, data tables with
 * captions and header scopes, RAG and direction of travel as words as well as colour.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An id from text: lower case letters and digits joined by hyphens, unique within `used`. */
export function slugId(text: string, used: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'section';
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
  used.add(id);
  return id;
}

const STYLES = `
:root { color-scheme: light; }
body { font-family: Arimo, Arial, "Liberation Sans", Helvetica, sans-serif; color: #0b0c0c; background: #ffffff; margin: 0; line-height: 1.45; }
main { max-width: 68rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
.stamp { text-align: right; font-weight: bold; margin: 0; }
h1 { color: #1f4e79; font-size: 2rem; margin: 1.5rem 0 0.5rem; }
h2 { color: #1f4e79; font-size: 1.5rem; margin: 2.25rem 0 0.5rem; border-top: 2px solid #1f4e79; padding-top: 0.75rem; }
h3 { color: #1f4e79; font-size: 1.15rem; margin: 1.5rem 0 0.4rem; }
.cover p { font-size: 1.15rem; margin: 0.2rem 0; }
.cover .month { font-weight: bold; font-size: 1.35rem; }
nav ol { columns: 2; }
nav li { padding: 0.25rem 0; }
nav a { display: inline-block; min-height: 24px; }
a { color: #1d70b8; }
a:focus, [tabindex]:focus { outline: 3px solid #ffdd00; outline-offset: 0; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1.25rem; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; font-size: 1rem; padding: 0.25rem 0; color: #0b0c0c; }
caption .note { display: block; font-weight: normal; font-size: 0.85rem; }
th, td { border: 1px solid #b1b4b6; padding: 0.2rem 0.4rem; vertical-align: top; }
thead th { background: #1f4e79; color: #ffffff; text-align: left; white-space: nowrap; }
tbody th { text-align: left; font-weight: normal; min-width: 14rem; }
td.num { text-align: right; white-space: nowrap; }
tbody tr:nth-child(even) { background: #f3f2f1; }
tr.highlight, tr.highlight:nth-child(even) { background: #fbd5cc; }
tr.total th, tr.total td { font-weight: bold; }
.dot { display: inline-block; width: 0.7em; height: 0.7em; border-radius: 50%; margin-right: 0.3em; vertical-align: baseline; border: 1px solid #0b0c0c; }
.dot-green { background: #00703c; } .dot-amber { background: #f47738; } .dot-red { background: #d4351c; }
.visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important; margin: 0 !important; padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; border: 0 !important; }
figure { margin: 1rem 0 1.5rem; }
figure svg { width: 100%; max-width: 46rem; height: auto; display: block; }
figcaption { font-size: 0.9rem; margin-top: 0.25rem; }
dl.fields { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 0.25rem 1rem; }
dl.fields dt { font-weight: bold; }
dl.fields dd { margin: 0; }
.key dt { font-weight: bold; margin-top: 0.4rem; }
.key dd { margin-left: 1rem; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table { font-size: 7.5pt; }
  tbody th { min-width: 13em; }
  thead th { white-space: normal; }
  th, td { padding: 1pt 2pt; }
  figure svg { width: 60%; }
  main { max-width: none; padding: 0; }
  nav { break-after: page; }
  h2 { break-before: page; border-top: none; }
  h2, h3, caption { break-after: avoid; }
  tr, figure, .table-wrap { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;

export interface HtmlPageOptions {
  /** The document's title (<title>). */
  title: string;
  /** The page's content, inside <main>. */
  body: string;
}

export function htmlPage(options: HtmlPageOptions): string {
  return (
    '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(options.title)}</title>\n<style>${STYLES}</style>\n</head>\n<body>\n<main>\n${options.body}\n</main>\n</body>\n</html>\n`
  );
}
