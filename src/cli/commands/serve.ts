import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { shellWord } from '../../config/project.js';
import { BusyError, UsageError } from '../../findings/errors.js';
import { adviceFor } from '../advice.js';
import type { HeldLock } from '../../run/file-lock.js';
import { createProgress } from '../../run/progress.js';
import { logFormat } from '../log-format.js';
import type { PackScheduler } from '../../schedule/scheduler.js';
import { DEFAULT_LIMITS } from '../../serve/limits.js';
import { SignInLink } from '../../serve/sessions.js';
import { defaultUsersFile, UserStore } from '../../serve/users.js';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { helpText } from '../help-text.js';

interface ServeOptions extends ProjectOptions {
  host: string;
  port: string;
  schedule?: boolean;
  users?: string;
  maxUploadMb: string;
  maxUploads: string;
  maxUploadsTotalMb: string;
  secureCookies?: boolean;
}

const MB = 1024 * 1024;

/** A positive number from an option, or a usage error naming it. */
function positive(option: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${option} "${value}" is not ${integer ? 'a whole number' : 'a number'} above 0`);
  }
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description("Start the officers' console: a web page to check a workbook, produce a month's reports and packs, and fetch them")
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--port <n>', 'the port to listen on (0: any free port)', '8080')
    .option('--schedule', 'also run the scheduled packs of config/schedule.yaml in this process (as "b4b-reports schedule")')
    .option('--users <file>', 'the users file (default: config/users.yaml in the project folder)')
    .option('--max-upload-mb <n>', 'the largest workbook that can be uploaded, in MB', String(DEFAULT_LIMITS.uploadBytes / MB))
    .option('--max-uploads <n>', 'the most uploaded workbooks kept in data/uploads', String(DEFAULT_LIMITS.maxUploads))
    .option('--max-uploads-total-mb <n>', 'the most all uploaded workbooks may take up together, in MB', String(DEFAULT_LIMITS.maxUploadsTotalBytes / MB))
    .option('--secure-cookies', 'mark the sign-in cookie Secure (when the console is behind an HTTPS proxy)')
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText(
      'after',
      helpText(
        '\nEveryone signs in. With users (b4b-reports user add NAME --role officer|viewer), with their password; with\n' +
          'none, with a one-time sign-in link the console prints when it starts (and again after each use), and it\n' +
          'listens on loopback only. Sign-ins end when the console stops, at sign-out, and when the user is changed\n' +
          `or removed. Every sign-in, upload, run and download of a restricted file is written to the audit file\n` +
          `console-audit.jsonl beside the run ledger, and to this command's log.\n\n${PROJECT_HELP}`,
      ),
    )
    .action(async (options: ServeOptions, command: Command) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${options.port}" is not a port number`);
      const uploadBytes = Math.round(positive('--max-upload-mb', options.maxUploadMb, false) * MB);
      const maxUploads = positive('--max-uploads', options.maxUploads, true);
      const maxUploadsTotalBytes = Math.round(positive('--max-uploads-total-mb', options.maxUploadsTotalMb, false) * MB);
      const loaded = await loadProjectSettings(options, {}, { writes: 'serve' });
      const users = new UserStore(options.users ? path.resolve(options.users) : defaultUsersFile(loaded));
      const userCount = await users.count();
      const { buildConsole, isLoopbackHost } = await import('../../serve/server.js');
      if (userCount === 0 && !isLoopbackHost(options.host)) {
        // The advice, typed in any folder, adds the user where this console reads them.
        const usersOption = options.users ? ` --users ${shellWord(path.resolve(options.users))}` : '';
        throw new UsageError(
          adviceFor(options)(
            `refusing to listen on ${options.host}: no users are configured in ${users.file}, and until there are the console listens on this computer only. ` +
              `Add one with "b4b-reports user add${usersOption} NAME --role officer", or listen on 127.0.0.1.`,
          ),
        );
      }
      const progress = createProgress(process.stderr, logFormat() === 'json');
      // A run killed while it put its files in place is finished (or undone) before anyone is shown its month.
      await (await import('../../run/run.js')).recoverPublishing(loaded, progress);
      let scheduler: PackScheduler | undefined;
      let schedulerLock: HeldLock | undefined;
      if (options.schedule) {
        const [{ configuredScheduler }, { takeSchedulerLock }] = await Promise.all([
          import('../../schedule/configured-scheduler.js'),
          import('../../schedule/scheduler-lock.js'),
        ]);
        const configured = await configuredScheduler(loaded, progress);
        // One scheduler at a time, as "schedule": a console refuses to run the schedule another process runs.
        const lock = await takeSchedulerLock(loaded.paths.outputDir, {
          holder: 'serve --schedule',
          waitMs: 0,
          advice: 'Stop the other one first, or start the console without --schedule (its Schedule page still shows the schedule).',
        });
        lock.signal.addEventListener('abort', () => {
          progress.error(`the scheduler's lock was lost (${(lock.signal.reason as Error).message}); the scheduler stops, the console goes on`);
          void configured.stop();
        });
        process.once('exit', () => lock.releaseSync());
        [scheduler, schedulerLock] = [configured, lock];
      }
      let base = '';
      const signInLink = new SignInLink((link) =>
        progress.step(`Sign in at ${base}${link} (no users are configured: this link works once, in one browser)`, { signInLink: `${base}${link}` }),
      );
      const app = await buildConsole({
        loaded,
        users,
        // Sessions are kept by the console, so the secret only signs cookies and form tokens of this start.
        secret: randomBytes(32).toString('hex'),
        signInLink,
        log: progress,
        limits: { uploadBytes, maxUploads, maxUploadsTotalBytes },
        secureCookies: options.secureCookies === true,
        // The program's own --debug (b4b-reports --debug serve), as its failures are described (program.ts).
        debug: command.optsWithGlobals<{ debug?: boolean }>().debug === true,
        ...(scheduler ? { scheduler } : {}),
      });
      // Runs started from the console lay their documents out in a layout thread, so its pages keep
      // answering while a pack is built; the thread ends after ten idle minutes.
      const layoutThreads = await import('../../layout/layout-threads.js');
      layoutThreads.startLayoutThreads({ idleMs: 10 * 60_000 });
      const address = await app.listen({ host: options.host, port }).catch((error: unknown) => {
        throw listenError(error, options.host, port);
      });
      base = address.replace('[::1]', 'localhost');
      if (scheduler) await scheduler.start();
      progress.step(
        `The console is at ${base}/ (${userCount > 0 ? `${userCount} user(s) in ${users.file}; sign in` : 'no users configured: open the sign-in link below'})` +
          `${scheduler ? '; the scheduler is running' : ''}`,
        { address },
      );
      if (userCount === 0) signInLink.show();
      // What `schedule --check` warns of, said as the scheduler starts (read beside the console, which answers meanwhile).
      if (scheduler) {
        const advise = adviceFor(options);
        void import('../../schedule/schedule-outlook.js')
          .then(({ jobWarnings }) => jobWarnings(loaded, scheduler.settings))
          .then((warnings) => {
            for (const [job, warning] of warnings) progress.warn(`${advise(warning)} (the Schedule page says more)`, { job });
          })
          .catch(() => undefined);
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          progress.step('Stopping the console');
          void Promise.all([app.close(), scheduler?.stop().then(() => schedulerLock?.release()), layoutThreads.stopLayoutThreads()]).then(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/**
 * Why the console cannot listen, in words, with what to do: the port taken (by a console already running,
 * say) is a busy resource, as a second scheduler is (exit 75); an address or port this user cannot have is
 * the option's fault (exit 2). It was said as "cannot read a file: listen EADDRINUSE".
 */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new BusyError(
      `cannot listen on ${where}: another program is listening there (a console already running?); stop it, or start this console on another port with --port (e.g. --port ${port < 65535 ? port + 1 : 8081}, or --port 0 for any free one)`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new UsageError(`cannot listen on ${where}: --host ${host} is not an address of this computer; leave --host out for 127.0.0.1`);
  if (code === 'EACCES') return new UsageError(`cannot listen on ${where}: port ${port} is reserved for the system; choose --port 1024 or above`);
  return error;
}
