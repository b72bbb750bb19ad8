"""DataLoaders for the consultancy marketplace: an opportunity's RFP terms (graph.types.
consultancy.rfp_of)."""



from db.models import ConsultancyRfp
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase

RfpRow = tuple[ConsultancyRfp, str, bool]
"""An RFP with its stage and whether bidding has closed, both read in SQL."""


class ConsultancyLoaders:
    """The consultancy marketplace's loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer

