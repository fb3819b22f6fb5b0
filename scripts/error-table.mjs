#!/usr/bin/env node
// Prints the error catalogue as the Markdown table docs/errors.md carries (run after `npm run build`):
//   node scripts/error-table.mjs
// test/errors.test.ts checks that every id is documented there, with its severity.
const { ERRORS } = await import('../dist/src/errors.js')
console.log('| id | HTTP | CONTRL | outcome | severity | meaning |')
console.log('| --- | --- | --- | --- | --- | --- |')
for (const [id, d] of Object.entries(ERRORS)) {
  console.log(`| \`${id}\` | ${d.http} | ${d.contrl ?? '—'} | ${d.outcome} | ${d.severity} | ${d.text} |`)
}
