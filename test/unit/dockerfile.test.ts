import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';

// Docker cannot run here: what can be checked without it is checked against the repository
// (the files it copies, the scripts it runs, what the build emits, the user and port).
const root = resolve(import.meta.dirname, '../..');
const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').filter(Boolean);

/** The instructions, continuation lines joined, comments dropped, grouped by stage. */
const stages = text
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trim().startsWith('#'))
  .reduce<string[][]>((all, line) => {
    if (/^FROM /.test(line)) all.push([]);
    all.at(-1)!.push(line.trim());
    return all;
  }, []);
const [build, runtime] = stages;
const args = (line: string) => line.split(/\s+/).slice(1);

describe('the Dockerfile', () => {
  it('has a build stage and a runtime stage, both on the Node major the project runs on', () => {
    expect(stages).toHaveLength(2);
    const major = pkg.engines.node.match(/>=(\d+)/)[1];
    for (const stage of stages) expect(stage[0]).toMatch(new RegExp(`^FROM node:${major}-`));
  });

  it('copies into the build only files the repository has and the build context keeps', () => {
    const sources = build
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from'))
      .flatMap((line) => args(line).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source.replace(/^\.\//, ''));
    }
    // What `npm run build` compiles must be in the context.
    const buildConfig = readFileSync(join(root, 'tsconfig.build.json'), 'utf8');
    expect(buildConfig).toContain('"rootDir": "src"');
    expect(sources).toEqual(
      expect.arrayContaining(['src', 'tsconfig.build.json', 'package.json', 'web']),
    );
    // The console's build reads the published possible types.
    expect(sources).toContain('possible-types.json');
  });

  it('builds with npm ci, whose prepare script compiles to the dist/main.js it runs', () => {
    expect(build.some((line) => /^RUN npm ci\b/.test(line))).toBe(true);
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json && npm run build:web');
    expect(pkg.scripts['build:web']).toBe('vite build --config web/vite.config.ts');
    expect(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')).toContain('"outDir": "dist"');
    // The global setup builds dist/ from this source, as the image's build does.
    expect(existsSync(join(root, 'dist', 'main.js'))).toBe(true);
    expect(runtime.at(-1)).toBe('CMD ["node", "dist/main.js"]');
    expect(pkg.scripts.start).toBe('exec node dist/main.js');
    const copied = runtime.filter((l) => l.startsWith('COPY --from=build')).map((l) => args(l)[1]);
    expect(copied).toEqual(['/app/package.json', '/app/node_modules', '/app/dist']);
  });

  it('runs as a non-root user that owns the data volume', () => {
    const user = runtime.find((line) => line.startsWith('USER '))!;
    expect(user).toBe('USER node');
    expect(runtime.indexOf(user)).toBeLessThan(runtime.length - 1);
    expect(runtime).toContain('VOLUME /data');
    expect(runtime).toContain('RUN mkdir -p /data && chown node:node /data && chmod 700 /data');
    expect(runtime.find((line) => line.startsWith('ENV '))).toContain('ORDERLY_DATA_DIR=/data');
  });

  it('exposes the port the service listens on, in production mode', () => {
    const env = runtime.find((line) => line.startsWith('ENV '))!;
    const port = env.match(/PORT=(\d+)/)![1];
    expect(runtime).toContain(`EXPOSE ${port}`);
    expect(
      loadConfig({
        PORT: port,
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('hex'),
      }).port,
    ).toBe(Number(port));
    expect(env).toContain('NODE_ENV=production');
  });
});
