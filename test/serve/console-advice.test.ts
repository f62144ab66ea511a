/**
 * Commands the console's pages advise (add a user, run or check the schedule) are typed by an officer
 * in a terminal of their own, in whatever folder it opens in: they must name the console's project, or
 * they act on another one (the package's sample project, or the folder the terminal is in).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, type CliResult } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { cookies, headerOf, startConsole } from './console-helpers.js';

/** The text of each <code> on a page that is a b4b-reports command, as typed. */
function advisedCommands(html: string): string[] {
  return [...html.matchAll(/<code>(b4b-reports [^<]+)<\/code>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&#x3D;/g, '=')
      .replace(/&#x27;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
}

/** A command as printed, run (NAME filled in) from `cwd`. */
async function follow(command: string, cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const words = command
    .replace(/^b4b-reports /, '')
    .replace(' NAME ', ' max ')
    .split(' ');
  return await runCommand(words, { cwd, env });
}

describe("the console's advice names its project", () => {
  it('"user add" on the sign-in page and in the banner, followed from another project\'s folder, adds the user the console signs in', async () => {
    // The officer's terminal opens in another project: a command without the console's project acts there.
    const elsewhere = await tempProject();
    const konsole = await startConsole({ users: false });
    try {
      const signIn = await konsole.app.inject({ method: 'GET', url: '/sign-in' });
      const advised = advisedCommands(signIn.body).filter((c) => c.startsWith('b4b-reports user add'));
      expect(advised).toEqual([`b4b-reports user add --project ${konsole.project.root} NAME --role officer`]);
      const first = await konsole.app.inject({ method: 'GET', url: konsole.signInLinks[0] ?? '' });
      const jar = cookies(first);
      const outputs = await konsole.app.inject({ method: 'GET', url: '/outputs', headers: { cookie: headerOf(jar) } });
      expect(advisedCommands(outputs.body)).toEqual(advised);

      const added = await follow(advised[0] ?? '', elsewhere.root, { B4B_USER_PASSWORD: 'a-long-password-1' });
      expect(added.stdout, added.stderr).toBe(`Added max (officer) in ${path.join(konsole.project.root, 'config', 'users.yaml')}\n`);
      expect(await konsole.users.count()).toBe(1);
      expect((await runCommand(['user', 'list'], { cwd: elsewhere.root })).stdout).toBe(`No users in ${path.join(elsewhere.root, 'config', 'users.yaml')}.\n`);
      // The console now asks for a password.
      const form = await konsole.app.inject({ method: 'GET', url: '/sign-in' });
      expect(form.body).toContain('<label for="password">Password</label>');
    } finally {
      await konsole.close();
    }
  });

  it('"schedule --check" on the Schedule page, followed from another project\'s folder, checks the console\'s schedule', async () => {
    const elsewhere = await tempProject();
    const project = await tempProject({
      edit: (file, text) => (file === 'config/schedule.yaml' ? text.replace('name: board-monthly', 'name: console-board') : text),
    });
    const konsole = await startConsole({ users: false, project });
    try {
      const first = await konsole.app.inject({ method: 'GET', url: konsole.signInLinks[0] ?? '' });
      const schedule = await konsole.app.inject({ method: 'GET', url: '/schedule', headers: { cookie: headerOf(cookies(first)) } });
      const advised = advisedCommands(schedule.body).filter((c) => c.startsWith('b4b-reports schedule'));
      expect(advised).toEqual([`b4b-reports schedule --project ${project.root}`, `b4b-reports schedule --check --project ${project.root}`]);
      const check = await follow(advised[1] ?? '', elsewhere.root);
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout).toContain('\nconsole-board: the board pack, cron "0 7 10 * *"');
    } finally {
      await konsole.close();
    }
  });
});
