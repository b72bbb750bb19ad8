// Runs one query through Apollo Client's persisted-query link against the URL given as the
// first argument: twice on one client, once on a second client (a fresh browser tab). The
// second argument is "GET" to send hashed queries over GET (useGETForHashedQueries), else
// "POST"; the third is the query. Prints {results, exchanges} as JSON on stdout, where
// `exchanges` lists every HTTP request the link made and what came back.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';

const [url, method, query] = process.argv.slice(2);
const exchanges = [];

async function recordingFetch(uri, options) {
  const response = await fetch(uri, options);
  const body = await response.clone().json();
  exchanges.push({
    method: options.method,
    url: String(uri),
    request: options.body ? JSON.parse(options.body) : null,
    status: response.status,
    response: body,
  });
  return response;
}

function client() {
  const persisted = createPersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    useGETForHashedQueries: method === 'GET',
  });
  return new ApolloClient({
    link: persisted.concat(new HttpLink({ uri: url, fetch: recordingFetch })),
    cache: new InMemoryCache({ addTypename: false }),
  });
}

const document = gql(query);
const first = client();
const second = client();
const results = [];
for (const each of [first, first, second]) {
  const result = await each.query({ query: document, fetchPolicy: 'no-cache' });
  results.push(result.data);
}
process.stdout.write(JSON.stringify({ results, exchanges }));
