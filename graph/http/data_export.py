"""Data-export downloads over plain HTTP: GET /exports/{token} with the owner's access token.

The link's secret alone is not enough: the request must also carry a valid access token of
the engineer who asked for the export, so a leaked link is useless to anyone else. Unknown,
deleted and other people's exports answer 404 alike (nothing tells them apart); an expired
one answers 410; one still being built answers 202 with Retry-After.
"""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from db.enums import DataExportStatus
from graph.auth.authentication import InvalidToken, bearer_token, load_viewer, verify
from graph.auth.routes import AuthState
from graph.chapters import ChapterRegistry
from graph.services import data_export

RETRY_SECONDS = 30
FILENAME = "braingain-data-export.json"
PRIVATE = {"Cache-Control": "no-store"}


def _problem(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(
        {"error": message}, status_code=status, headers={**PRIVATE, **(headers or {})}
    )


def _unauthenticated(message: str) -> Response:
    return _problem(401, message, {"WWW-Authenticate": 'Bearer realm="braingain"'})


async def download(request: Request) -> Response:
    """GET /exports/{token}: the export's JSON document, to the engineer who requested it."""
    auth: AuthState = request.app.state.auth
    registry: ChapterRegistry = request.app.state.registry
    bearer = bearer_token(request.headers.get("authorization"))
    if bearer is None:
        return _unauthenticated("Send your access token: exports are for their owner only.")
    try:
        claims = await verify(bearer, auth.keys, auth.settings)
        async with auth.sessionmaker() as session:
            viewer = await load_viewer(session, claims, registry)
    except InvalidToken:
        return _unauthenticated("The access token is invalid, expired or revoked.")
    token = str(request.path_params["token"])
    async with auth.sessionmaker() as session:
        found = await data_export.find_download(session, token)
    if found is None or viewer.engineer_id is None or found.engineer_id != viewer.engineer_id:
        return _problem(404, "No such export.")
    if found.status in (DataExportStatus.PENDING, DataExportStatus.RUNNING):
        return JSONResponse(
            {"status": found.status.value},
            status_code=202,
            headers={**PRIVATE, "Retry-After": str(RETRY_SECONDS)},
        )
    if found.status is DataExportStatus.FAILED:
        return _problem(404, "The export failed; request a new one.")
    if found.status is DataExportStatus.EXPIRED or found.expired or found.document is None:
        return _problem(410, "The export expired; request a new one.")
    return Response(
        found.document,
        media_type="application/json",
        headers={**PRIVATE, "Content-Disposition": f'attachment; filename="{FILENAME}"'},
    )


def data_export_routes() -> list[Route]:
    """The download route."""
    return [Route("/exports/{token}", download, methods=["GET"])]
