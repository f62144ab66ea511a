import type { Progress } from '../run/progress.js';

/**
 * How a command speaks on stderr: `text` for people, `json` (one JSON object a line, and nothing
 * else) for log shippers. JSON when stderr is not a terminal, text on a terminal; B4B_LOG_FORMAT=text
 * or json chooses either way (README, "Conventions").
 */
export type LogFormat = 'text' | 'json';

export function logFormat(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const chosen = env.B4B_LOG_FORMAT;
  if (chosen === 'text' || chosen === 'json') return chosen;
  return stream.isTTY ? 'text' : 'json';
}

/**
 * A command's one-off diagnostic on stderr ("b4b-reports: ..."): in a JSON log, a JSON line like every
 * other (with `fields`). `text` is what a terminal shows instead, where it is not the message with the
 * program's name before it (init's advice, a few lines of commands).
 */
export function writeDiagnostic(
  level: 'info' | 'warn' | 'error',
  message: string,
  options: { stream?: NodeJS.WriteStream; fields?: Record<string, unknown>; text?: string } = {},
): void {
  const stream = options.stream ?? process.stderr;
  stream.write(logFormat(stream) === 'json' ? jsonLine(level, message, options.fields) : (options.text ?? `b4b-reports: ${message}\n`));
}

/** One diagnostic as a JSON line. */
export function jsonLine(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`;
}

/** A line of text cut to `width` characters (a terminal line), with "…" where it was cut. */
export function fitLine(text: string, width: number): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}

/** Words wrapped greedily to `width` columns: the first line starts with `first`, the others with `hang` spaces. */
export function wrapWords(words: string[], width: number, first = '', hang = 0): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of words) {
    const start = lines.length === 0 ? first : ' '.repeat(hang);
    if (line.length > start.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${' '.repeat(hang)}${word}`;
    } else line = line.length > start.length ? `${line} ${word}` : `${line}${word}`;
  }
  lines.push(line);
  return lines;
}

/**
 * What a run says while it works. On a terminal: one status line, rewritten in place (the elapsed
 * time and the step, naming its report or pack), warnings and errors kept for the summary at the
 * end, each once. Otherwise JSON lines: each step, and each warning the first time it is said.
 */
export class RunReporter implements Progress {
  readonly warnings = new Map<string, Set<string>>();
  readonly errors: string[] = [];
  private readonly started = performance.now();
  private statusShown = false;

  constructor(
    private readonly format: LogFormat,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    /** Rewrites the commands a message advises so that they act on this run's project (src/cli/advice.ts). */
    private readonly advise: (text: string) => string = (text) => text,
  ) {}

  private get live(): boolean {
    return this.format === 'text' && this.stream.isTTY === true;
  }

  step(message: string, fields: Record<string, unknown> = {}): void {
    if (this.format === 'json') {
      this.stream.write(jsonLine('info', message, fields));
    } else if (this.live) {
      const elapsed = ((performance.now() - this.started) / 1000).toFixed(1).padStart(5);
      this.stream.write(`\r\x1b[K${fitLine(`${elapsed}s ${message}`, (this.stream.columns || 100) - 1)}`);
      this.statusShown = true;
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** `fields.target` names the report or pack a warning is about: the same warning of several is said once, naming them all. */
  warn(said: string, fields: Record<string, unknown> = {}): void {
    const text = this.advise(said);
    const target = typeof fields.target === 'string' ? fields.target : '';
    // A pack says its documents' warnings under the report's name ("performance: …"): the same warning
    // the report itself said is one warning of both.
    const unprefixed = /^[a-z0-9][a-z0-9-]*: (.+)$/s.exec(text)?.[1];
    const message = unprefixed !== undefined && this.warnings.has(unprefixed) ? unprefixed : text;
    const seen = this.warnings.get(message);
    if (seen) {
      if (target) seen.add(target);
      return;
    }
    this.warnings.set(message, new Set(target ? [target] : []));
    if (this.format === 'json') this.stream.write(jsonLine('warn', message, fields));
  }

  error(said: string, fields: Record<string, unknown> = {}): void {
    const message = this.advise(said);
    this.errors.push(message);
    if (this.format === 'json') this.stream.write(jsonLine('error', message, fields));
  }

  /** Clears the status line, before the summary is printed. */
  end(): void {
    if (this.statusShown) this.stream.write('\r\x1b[K');
    this.statusShown = false;
  }
}
