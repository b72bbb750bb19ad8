"""Load benchmark: our GraphQL server against a hand-written asyncpg endpoint, same JSON."""
