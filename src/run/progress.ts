import { performance } from 'node:perf_hooks';

/** What a long run says as it goes: human lines on a terminal, JSON lines for logs otherwise. */
export interface Progress {
  step(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, json = !stream.isTTY): Progress {
  const started = performance.now();
  const write = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void => {
    if (json) {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
    } else {
      const elapsed = ((performance.now() - started) / 1000).toFixed(1).padStart(5);
      const mark = level === 'info' ? '›' : level === 'warn' ? '!' : '✗';
      stream.write(`${elapsed}s ${mark} ${message}\n`);
    }
  };
  return {
    step: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/** Says nothing: for tests and library use. */
export const silentProgress: Progress = { step: () => undefined, warn: () => undefined, error: () => undefined };
