import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, findBreakingChanges, type GraphQLInterfaceType } from 'graphql';
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

  it('has generated operation types and possible types that match it (run `npm run codegen`)', () => {
    // The real CLI with the real config, writing each output to a temporary file instead.
    const config = readFileSync('codegen.yml', 'utf8');
    const outputs = [...config.matchAll(/^ {2}(\S+):$/gm)].map((m) => m[1]);
    expect(outputs).toEqual([
      'test/generated/graphql.ts',
      'web/src/generated/graphql.ts',
      'possible-types.json',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
    const fresh = (output: string) => join(dir, output.replaceAll('/', '_'));
    const configPath = join(dir, 'codegen.yml');
    writeFileSync(
      configPath,
      outputs.reduce((text, output) => text.replace(`  ${output}:`, `  ${fresh(output)}:`), config),
    );
    execFileSync('node_modules/.bin/graphql-codegen', ['--config', configPath, '--silent'], {
      stdio: 'pipe',
    });
    for (const output of outputs) {
      expect(readFileSync(output, 'utf8'), output).toBe(readFileSync(fresh(output), 'utf8'));
    }
  });

  it('lists every implementation of Order in possible-types.json', () => {
    const emitted = buildSchema(readFileSync('schema.graphql', 'utf8'));
    const order = emitted.getType('Order');
    const implementations = emitted
      .getPossibleTypes(order as GraphQLInterfaceType)
      .map((type) => type.name);
    expect(JSON.parse(readFileSync('possible-types.json', 'utf8'))).toEqual({
      possibleTypes: { Order: implementations.sort() },
    });
  });
});
