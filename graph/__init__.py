"""The GraphQL layer: schema, types, resolvers, loaders, auth and the HTTP application."""
