"""Import target for uvicorn workers: `graph.asgi:app` (reads DATABASE_URL)."""

from graph.app import create_app

app = create_app()
