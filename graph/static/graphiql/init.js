// Starts GraphiQL against this server's /graphql. A file of its own, not an inline script,
// so the page's Content-Security-Policy can forbid inline scripts.
(function () {
  'use strict';
  var endpoint = new URL('/graphql', window.location.href).toString();
  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    headers: { Accept: 'application/graphql-response+json, application/json' },
  });
  var defaultQuery = [
    '# Brain Gain Graph. Every list is a connection: pass `first` or `last` (1-100).',
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
