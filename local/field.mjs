// Prints one field of the JSON on stdin, for the README's shell examples (jq is not on a fresh machine):
//   curl ... | node local/field.mjs sessionId          → the value of "sessionId"
//   curl ... | node local/field.mjs messages.0.id      → a nested value (object keys and array indexes)
// Prints the whole body to stderr and exits 1 when the field is missing (e.g. the call answered a problem).
let input = '';
process.stdin.on('data', chunk => (input += chunk)).on('end', () => {
  let value;
  try {
    value = process.argv[2].split('.').reduce((v, key) => (v == null ? undefined : v[key]), JSON.parse(input));
  } catch { value = undefined; }
  if (value === undefined || value === null) { process.stderr.write(`no ${process.argv[2]} in: ${input}\n`); process.exit(1); }
  process.stdout.write(typeof value === 'object' ? JSON.stringify(value) : String(value));
});
