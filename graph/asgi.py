"""Import target for uvicorn workers: `graph.asgi:app` (reads DATABASE_URL)."""

from graph.app import create_app
from graph.observability.logging import configure_logging
from graph.observability.tracing import configure_tracing
from graph.settings import Settings

configure_logging(Settings.from_environment().log_level)
configure_tracing()
app = create_app()
