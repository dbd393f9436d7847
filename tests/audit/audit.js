// graphql-http's GraphQL-over-HTTP audit against the server at process.argv[2]; tests/test_http.py runs it.
// Prints one JSON array of {id, name, status, reason}; status is ok, notice (MAY), warn (SHOULD) or error (MUST).
'use strict';
const { auditServer } = require('graphql-http');

async function main() {
  const results = await auditServer({ url: process.argv[2] });
  const summary = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
