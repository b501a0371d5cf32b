// Writes schema.graphql from the code. A test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/schema.ts';

printedSchema()
  .then((sdl) => {
    writeFileSync('schema.graphql', sdl);
    console.log('schema.graphql written');
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
