import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/schema.ts';

// The public API contract, copied into the repository: the emitted schema may add to it, never break it.
const CONTRACT = 'contract/schema.graphql';

describe('schema.graphql', () => {
  it('is what the code prints (run `npm run schema:print` after changing the API)', async () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(await printedSchema());
  });

  it('has no breaking change against the API contract', () => {
    // Skipping when it is missing would pass without checking anything.
    expect(existsSync(CONTRACT), `${CONTRACT} is missing`).toBe(true);
    const contract = buildSchema(readFileSync(CONTRACT, 'utf8'));
    const emitted = buildSchema(readFileSync('schema.graphql', 'utf8'));
    expect(findBreakingChanges(contract, emitted).map((c) => c.description)).toEqual([]);
  });

  it('has generated operation types that match it (run `npm run codegen`)', () => {
    // The real CLI with the real config, writing to a temporary file instead of the committed one.
    const fresh = join(mkdtempSync(join(tmpdir(), 'codegen-')), 'graphql.ts');
    const config = join(tmpdir(), `codegen-${process.pid}.yml`);
    writeFileSync(
      config,
      readFileSync('codegen.yml', 'utf8').replace('test/generated/graphql.ts', fresh),
    );
    execFileSync('node_modules/.bin/graphql-codegen', ['--config', config, '--silent'], {
      stdio: 'pipe',
    });
    expect(readFileSync('test/generated/graphql.ts', 'utf8')).toBe(readFileSync(fresh, 'utf8'));
  });
});
