// `npm run docs:api`: writes the generated tables of operations into README.md and docs/api.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { currentApiDocs } from './api-docs.ts';

const README = 'README.md';
const REFERENCE = 'docs/api.md';

currentApiDocs(readFileSync(README, 'utf8'), readFileSync(REFERENCE, 'utf8'))
  .then(({ readme, reference }) => {
    writeFileSync(README, readme);
    writeFileSync(REFERENCE, reference);
    console.log(`${README} and ${REFERENCE} written`);
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
