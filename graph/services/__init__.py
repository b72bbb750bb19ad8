"""Business rules per domain, independent of GraphQL: each module takes its session explicitly."""
