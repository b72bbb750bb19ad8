"""The migrations build exactly the schema the models declare, and run down and up again."""

from alembic import command

from db.engine import DatabaseLocation
from db.migrate import alembic_config


def test_models_and_migrations_agree(database: DatabaseLocation) -> None:
    # `alembic check` fails when autogenerate would emit any operation
    command.check(alembic_config(url=database.url))
