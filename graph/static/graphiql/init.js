// Starts GraphiQL against this server's /graphql. A file of its own, not an inline script,
// so the page's Content-Security-Policy can forbid inline scripts.
//
// Queries and mutations go over HTTP POST; subscriptions over a WebSocket to the same path with
// the graphql-transport-ws protocol (the graphql-ws client bundled in GraphiQL's build). The
// Headers tab's JSON is sent with every HTTP request and as the WebSocket's connection_init
// payload, so {"Authorization": "Bearer <token>"} signs in both.
(function () {
  'use strict';
  var endpoint = new URL('/graphql', window.location.href);
  var subscriptionUrl = new URL(endpoint.toString());
  subscriptionUrl.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: endpoint.toString(),
    subscriptionUrl: subscriptionUrl.toString(),
    headers: { Accept: 'application/graphql-response+json, application/json' },
  });
  var defaultQuery = [
    '# Brain Gain Graph. Every list is a connection: pass `first` or `last` (1-100).',
    '# Subscriptions (forumPostAdded) run over a WebSocket; put a token in Headers:',
    '# {"Authorization": "Bearer <token>"}',
    '{',
    '  chapters(first: 5) {',
    '    totalCount',
    '    nodes { slug name region }',
    '  }',
    '}',
    '',
  ].join('\n');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
    })
  );
})();
