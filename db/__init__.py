"""Persistence layer: models, queries, migrations, engine and seed data (never imports graph/)."""
