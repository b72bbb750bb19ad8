"""GraphQL over HTTP: request parsing, content negotiation, status codes, the IDE page."""
