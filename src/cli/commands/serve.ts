import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { B4BError } from '../../findings/finding.js';
import { createProgress } from '../../run/progress.js';
import type { PackScheduler } from '../../schedule/scheduler.js';
import { defaultUsersFile, UserStore } from '../../serve/users.js';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';

interface ServeOptions extends ProjectOptions {
  host: string;
  port: string;
  schedule?: boolean;
  users?: string;
  maxUploadMb: string;
  secureCookies?: boolean;
}

/** The environment variable that keeps sign-ins valid across restarts (else a new secret each start). */
export const SECRET_ENV = 'B4B_CONSOLE_SECRET';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description("Start the officers' console: a web page to check a workbook, produce a month's reports and packs, and fetch them")
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--port <n>', 'the port to listen on (0: any free port)', '8080')
    .option('--schedule', 'also run the scheduled packs of config/schedule.yaml in this process (as "b4b-reports schedule")')
    .option('--users <file>', 'the users file (default: config/users.yaml in the project folder)')
    .option('--max-upload-mb <n>', 'the largest workbook that can be uploaded, in MB', '25')
    .option('--secure-cookies', 'mark the sign-in cookie Secure (when the console is behind an HTTPS proxy)')
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText(
      'after',
      '\nWith no users configured, the console listens on loopback only and gives this computer officer rights;\n' +
        'add users with "b4b-reports user add NAME --role officer|viewer" and everyone must sign in. Listening on any\n' +
        `other address needs users. Set ${SECRET_ENV} to keep sign-ins across restarts.\n\n${PROJECT_HELP}`,
    )
    .action(async (options: ServeOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new B4BError(`--port "${options.port}" is not a port number`, [], 2);
      const maxUploadMb = Number(options.maxUploadMb);
      if (!Number.isFinite(maxUploadMb) || maxUploadMb <= 0) throw new B4BError(`--max-upload-mb "${options.maxUploadMb}" is not a size in MB`, [], 2);
      const loaded = await loadProjectSettings(options);
      const users = new UserStore(options.users ? path.resolve(options.users) : defaultUsersFile(loaded));
      const userCount = await users.count();
      const { buildConsole, isLoopbackHost } = await import('../../serve/server.js');
      if (userCount === 0 && !isLoopbackHost(options.host)) {
        throw new B4BError(
          `refusing to listen on ${options.host}: no users are configured in ${users.file}, so anyone who can reach it would have officer rights. ` +
            'Add one with "b4b-reports user add NAME --role officer", or listen on 127.0.0.1.',
          [],
          2,
        );
      }
      const progress = createProgress();
      // A run killed while it put its files in place is finished (or undone) before anyone is shown its month.
      await (await import('../../run/run.js')).recoverPublishing(loaded, progress);
      let scheduler: PackScheduler | undefined;
      if (options.schedule) {
        const { configuredScheduler } = await import('../../schedule/configured-scheduler.js');
        scheduler = await configuredScheduler(loaded, progress);
      }
      const app = await buildConsole({
        loaded,
        users,
        requireSignIn: userCount > 0,
        secret: process.env[SECRET_ENV] || randomBytes(32).toString('hex'),
        uploadLimitBytes: Math.round(maxUploadMb * 1024 * 1024),
        secureCookies: options.secureCookies === true,
        ...(scheduler ? { scheduler } : {}),
      });
      // Runs started from the console lay their documents out in a layout thread, so its pages keep
      // answering while a pack is built; the thread ends after ten idle minutes.
      const layoutThreads = await import('../../layout/layout-threads.js');
      layoutThreads.startLayoutThreads({ idleMs: 10 * 60_000 });
      const address = await app.listen({ host: options.host, port });
      if (scheduler) await scheduler.start();
      progress.step(
        `The console is at ${address.replace('[::1]', 'localhost')}/ (${userCount > 0 ? `${userCount} user(s) in ${users.file}; sign in` : 'no users configured: this computer has officer rights'})` +
          `${scheduler ? '; the scheduler is running' : ''}`,
        { address },
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          progress.step('Stopping the console');
          void Promise.all([app.close(), scheduler?.stop(), layoutThreads.stopLayoutThreads()]).then(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
