import { definitionParts, type GlossaryInput } from '../pack/glossary.js';
import { stampLines } from '../render/agenda-format.js';
import type { Run } from '../report/template/blocks.js';
import { escapeHtml, htmlPage, slugId } from './html-page.js';

const runs = (list: Run[]): string =>
  list
    .map((r) => (r.link ? `<a href="${escapeHtml(r.link)}">${escapeHtml(r.text)}</a>` : r.bold ? `<strong>${escapeHtml(r.text)}</strong>` : escapeHtml(r.text)))
    .join('');

/** The glossary's HTML twin, from the same data as its PDF: contents of links, the acronyms as a data table, each term a heading. */
export function glossaryHtml(input: GlossaryInput): string {
  const { glossary } = input;
  const used = new Set<string>();
  const entries = [...(glossary.acronyms.length > 0 ? ['Acronyms'] : []), ...glossary.terms.map((t) => t.term)].map((text) => ({
    text,
    id: slugId(text, used),
  }));
  const stamp = stampLines(input.format);
  const body: string[] = [
    stamp.length > 0 ? `<p class="stamp">${stamp.map(escapeHtml).join('<br>')}</p>` : '',
    `<h1>${escapeHtml(glossary.title)}</h1>`,
    `<nav aria-labelledby="contents-heading">\n<h2 id="contents-heading">Contents</h2>\n<ol>\n${entries.map((e) => `<li><a href="#${e.id}">${escapeHtml(e.text)}</a></li>`).join('\n')}\n</ol>\n</nav>`,
  ];
  let at = 0;
  if (glossary.acronyms.length > 0) {
    const id = entries[at++]!.id;
    body.push(
      `<h2 id="${id}">Acronyms</h2>\n<table>\n<caption>Acronyms and their meanings</caption>\n<thead><tr><th scope="col">Acronym</th><th scope="col">Meaning</th></tr></thead>\n<tbody>\n` +
        glossary.acronyms.map((a) => `<tr><th scope="row">${escapeHtml(a.abbreviation)}</th><td>${escapeHtml(a.meaning)}</td></tr>`).join('\n') +
        '\n</tbody>\n</table>',
    );
  }
  for (const term of glossary.terms) {
    const id = entries[at++]!.id;
    body.push(`<h2 id="${id}">${escapeHtml(term.term)}</h2>`);
    for (const part of definitionParts(term.text)) {
      body.push(part.kind === 'paragraph' ? `<p>${runs(part.runs)}</p>` : `<ul>\n${part.items.map((item) => `<li>${runs(item)}</li>`).join('\n')}\n</ul>`);
    }
  }
  return htmlPage({ title: glossary.title, body: body.filter((b) => b !== '').join('\n') });
}
