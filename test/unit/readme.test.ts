import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../server/config';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('README', () => {
  it('opens with exactly the two commands a newcomer needs: install and start, then test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm install && npm start', 'npm test']);
    expect(readme.indexOf('```sh')).toBeLessThan(200);
    expect(packageJson.scripts.start).toBeDefined();
    expect(packageJson.scripts.test).toBeDefined();
  });

  it('documents every environment variable Rounds reads', () => {
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Production'));
    const undocumented = Object.keys(configSchema.shape).filter((name) => !table.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it('mentions only npm scripts that exist', () => {
    const mentioned = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]!);
    expect(mentioned.length).toBeGreaterThan(0);
    expect(mentioned.filter((script) => !(script in packageJson.scripts))).toEqual([]);
  });
});
