import { delimiter } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asTyped, strataCommand } from './invocation.ts';

const PATH = (...dirs: string[]) => ({ PATH: dirs.join(delimiter) });

describe('how the user runs strata', () => {
  it('is `strata` when a strata on the PATH would start it', () => {
    const found = (path: string) => path === '/usr/local/bin/strata';
    expect(strataCommand(PATH('/usr/bin', '/usr/local/bin'), found)).toBe('strata');
  });

  it('is `npx strata` when strata is only in a node_modules/.bin that npx put on the PATH', () => {
    const found = (path: string) => path.includes('node_modules/.bin') || path.includes('/_npx/');
    const env = PATH('/work/app/node_modules/.bin', '/root/.npm/_npx/1a2b/node_modules/.bin', '/usr/bin');
    expect(strataCommand(env, found)).toBe('npx strata');
  });

  it('is `npx strata` without any PATH', () => {
    expect(strataCommand({}, () => true)).toBe('npx strata');
  });

  it('rewrites the commands a hint suggests, and nothing else', () => {
    const hint = 'Run `strata init DIR` to create a project; strata needs a config.';
    expect(asTyped(hint, 'npx strata')).toBe(
      'Run `npx strata init DIR` to create a project; strata needs a config.',
    );
    expect(asTyped(hint, 'strata')).toBe(hint);
  });
});
