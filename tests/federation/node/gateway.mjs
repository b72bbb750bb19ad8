// Composes Brain Gain Graph (a live server) with a second, Relay-style subgraph ("calendar"),
// runs one operation through Apollo's gateway and prints {composition, result} as JSON.
// Input (argv[2], JSON): {"url": our /graphql, "token": bearer or null,
//                         "query": ..., "variables": {...}, "watched": [ForumThread ids]}
import { composeServices } from "@apollo/composition";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import gql from "graphql-tag";
import { parse } from "graphql";

const input = JSON.parse(process.argv[2]);

// The second subgraph: its own Node interface, PageInfo and Query.node, as Relay wants them,
// extending our Engineer by key and pointing at our forum threads by key.
const calendarTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  interface Node { id: ID! }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Slot implements Node { id: ID! startsAt: String! }
  type SlotEdge { cursor: String! node: Slot! }
  type SlotConnection { edges: [SlotEdge!]! nodes: [Slot!]! pageInfo: PageInfo! totalCount: Int! }

  type Engineer implements Node @key(fields: "id") {
    id: ID!
    mentoringSlots(first: Int!): SlotConnection!
  }

  type ForumThread @key(fields: "id", resolvable: false) { id: ID! }

  type Query {
    node(id: ID!): Node @shareable
    watchedThreads: [ForumThread]!
  }
`;

const slots = (engineerId, first) => {
  const all = [0, 1, 2].map((day) => ({
    id: `Slot:${engineerId}:${day}`,
    startsAt: `2026-12-0${5 + day}T09:00:00Z`,
  }));
  const page = all.slice(0, first);
  return {
    edges: page.map((node) => ({ cursor: node.id, node })),
    nodes: page,
    pageInfo: {
      hasNextPage: first < all.length,
      hasPreviousPage: false,
      startCursor: page[0]?.id ?? null,
      endCursor: page.at(-1)?.id ?? null,
    },
    totalCount: all.length,
  };
};

const calendar = new ApolloServer({
  plugins: [ApolloServerPluginInlineTraceDisabled()],
  schema: buildSubgraphSchema({
    typeDefs: calendarTypeDefs,
    resolvers: {
      Node: { __resolveType: () => "Slot" },
      Query: {
        node: () => null,
        watchedThreads: () => input.watched.map((id) => ({ __typename: "ForumThread", id })),
      },
      Engineer: {
        __resolveReference: (reference) => reference,
        mentoringSlots: (engineer, { first }) => slots(engineer.id, first),
      },
    },
  }),
});
const { url: calendarUrl } = await startStandaloneServer(calendar, {
  listen: { port: 0, host: "127.0.0.1" },
});

const ours = await fetch(input.url, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: "{ _service { sdl } }" }),
}).then((response) => response.json());

const composition = composeServices([
  { name: "braingain", typeDefs: parse(ours.data._service.sdl), url: input.url },
  { name: "calendar", typeDefs: calendarTypeDefs, url: calendarUrl },
]);
if (composition.errors) {
  process.stdout.write(
    JSON.stringify({ composition: composition.errors.map((error) => error.message) }),
  );
  await calendar.stop();
  process.exit(0);
}

const gateway = new ApolloGateway({
  supergraphSdl: composition.supergraphSdl,
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource({
      url,
      willSendRequest({ request, context }) {
        if (context.token) request.http.headers.set("authorization", `Bearer ${context.token}`);
      },
    }),
});
const server = new ApolloServer({ gateway });
await server.start();
const started = performance.now();
const response = await server.executeOperation(
  { query: input.query, variables: input.variables ?? {} },
  { contextValue: { token: input.token } },
);
const milliseconds = performance.now() - started;
const result = response.body.kind === "single" ? response.body.singleResult : null;
process.stdout.write(JSON.stringify({ composition: "ok", result, milliseconds }));
await server.stop();
await calendar.stop();
