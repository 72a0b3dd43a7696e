// The client's types come from the committed openapi.json: this fails when the document changed and
// src/generated/openapi.ts was not generated again (npm run generate).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import openapiTS, { astToString } from 'openapi-typescript';

test('the generated types are those of the committed openapi.json', async () => {
  const document = new URL('../../../openapi.json', import.meta.url);
  const generated = astToString(await openapiTS(document));
  const committed = await readFile(new URL('../src/generated/openapi.ts', import.meta.url), 'utf8');
  assert.ok(committed.endsWith(generated), 'src/generated/openapi.ts is out of date: run `npm run generate` in clients/typescript.');
});
