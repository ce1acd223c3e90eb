import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * How the user runs strata from where they are, for the commands strata suggests: `strata` when a
 * `strata` on their PATH would start it, else `npx strata` (after `npm install`, strata sits in
 * node_modules/.bin, which is not on the shell's PATH). The PATH entries that npx and npm scripts
 * add for one command (node_modules/.bin, npx's cache) are not the user's, so they do not count.
 */
export function strataCommand(env: NodeJS.ProcessEnv, isExecutable = executableExists): string {
  const names = process.platform === 'win32' ? ['strata.cmd', 'strata.exe'] : ['strata'];
  const dirs = (env.PATH ?? env.Path ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !/node_modules[\\/]\.bin|[\\/]_npx[\\/]/.test(dir));
  const onPath = dirs.some((dir) => names.some((name) => isExecutable(join(dir, name))));
  return onPath ? 'strata' : 'npx strata';
}

/** Commands in a text (`strata run ...` between backticks) as the user can type them. */
export function asTyped(text: string, command: string): string {
  return command === 'strata' ? text : text.replaceAll('`strata ', `\`${command} `);
}

function executableExists(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
