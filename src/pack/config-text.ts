/**
 * Officers' configuration text (pack titles and summaries, covering-report paragraphs) may use six
 * values and nothing else: {{monthLong}}, {{monthEnd}}, {{meetingMonth}}, {{meetingDate}},
 * {{documentMonth}} (the month an item's documents report on) and {{documentTitles}} (in an item,
 * its documents' titles, each with its own month). A mistake
 * there ({{constructor.name}}, a report block such as {{indicatorTable}}, a block of any kind) is
 * found when the configuration is read, with its file and line, rather than printing nothing or
 * failing as a fault at run time. The check reads the few forms Handlebars gives such text itself,
 * so that reading the packs (`schedule --check`, `run --pack` before anything is made) loads no
 * template library; src/pack/text-values.ts fills the text with Handlebars (in the layout thread too,
 * which loads neither the schema library nor the YAML parser: the schema field is in pack-settings.ts).
 */
/** The names configuration text may use, and nothing else: no blocks, helpers, partials or paths. */
export const PACK_TEXT_VALUES = ['monthLong', 'monthEnd', 'meetingMonth', 'meetingDate', 'documentMonth', 'documentTitles'] as const;

const listed = PACK_TEXT_VALUES.map((name) => `{{${name}}}`);
const EXPECTED_VALUES = `expected one of ${listed.join(', ')}`;
const EXPECTED_TEXT = `expected plain text with ${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}`;

/**
 * What is wrong with a configuration text as a template, or undefined when it only uses the values
 * above. `\{{` is a literal "{{"; `{{! ...}}` and `{{!-- ... --}}` are comments; `{{{name}}}` is a value.
 */
export function configTextProblem(text: string): string | undefined {
  let at = 0;
  for (;;) {
    const open = text.indexOf('{{', at);
    if (open < 0) return undefined;
    if (text[open - 1] === '\\') {
      at = open + 2;
      continue;
    }
    const triple = text.startsWith('{{{', open);
    const comment = text.startsWith('{{!--', open) ? '--}}' : text.startsWith('{{!', open) ? '}}' : undefined;
    const close = comment ? text.indexOf(comment, open + 3) : text.indexOf(triple ? '}}}' : '}}', open);
    if (close < 0) return `the text is not a valid template (an unclosed or broken {{...}}); ${EXPECTED_TEXT}`;
    at = close + (comment ?? (triple ? '}}}' : '}}')).length;
    if (comment) continue;
    const inner = text
      .slice(open + (triple ? 3 : 2), close)
      .replace(/^~|~$/g, '')
      .trim();
    const head = inner.split(/\s+/)[0] ?? '';
    if (/^[#^/]/.test(inner) || inner === 'else') {
      return `"{{${/^[#^]/.test(inner) ? inner[0] : '#'}${head.replace(/^[#^/]/, '')}}}" is a block, and configuration text has none; ${EXPECTED_TEXT}`;
    }
    if (inner.startsWith('>') || inner.startsWith('*'))
      return `the text uses a partial or decorator ({{${inner}}}), and configuration text has none; ${EXPECTED_TEXT}`;
    if ((PACK_TEXT_VALUES as readonly string[]).includes(inner)) continue;
    const simple = /^[A-Za-z_$][\w$-]*$/.test(inner);
    const hint = simple ? ' (report blocks such as {{indicatorTable}} belong in the report templates, templates/*.hbs)' : '';
    return `"{{${inner.includes(' ') ? `${head} ...` : inner}}}" is not a value configuration text may use; ${EXPECTED_VALUES}${hint}`;
  }
}
