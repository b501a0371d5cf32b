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
    // The real CLI with the real config, writing to temporary files instead of the committed ones:
    // the tests' types, the web console's types and its possibleTypes.
    const outputs = [
      'test/generated/graphql.ts',
      'web/src/generated/graphql.ts',
      'web/src/generated/possible-types.ts',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
    const fresh = (i: number) => join(dir, `${i}.ts`);
    const config = join(tmpdir(), `codegen-${process.pid}.yml`);
    let text = readFileSync('codegen.yml', 'utf8');
    outputs.forEach((output, i) => {
      expect(text, `codegen.yml generates ${output}`).toContain(`${output}:`);
      text = text.replace(`${output}:`, `${fresh(i)}:`);
    });
    writeFileSync(config, text);
    execFileSync('node_modules/.bin/graphql-codegen', ['--config', config, '--silent'], {
      stdio: 'pipe',
    });
    outputs.forEach((output, i) => {
      expect(readFileSync(output, 'utf8'), output).toBe(readFileSync(fresh(i), 'utf8'));
    });
  });
});
