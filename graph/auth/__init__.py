"""Authentication and authorization: tokens, viewers, scopes, permissions and consent."""
