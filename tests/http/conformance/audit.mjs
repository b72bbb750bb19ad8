// Runs graphql-http's server audits against the URL given as the first argument and
// prints one JSON array of {id, name, status, reason} on stdout.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
const summary = results.map((result) => ({
  id: result.id,
  name: result.name,
  status: result.status,
  reason: result.status === 'ok' ? null : result.reason,
}));
process.stdout.write(JSON.stringify(summary));
