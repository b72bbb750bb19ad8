"""Settings of the compiled read path, from the environment."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CompilerSettings:
    """How the compiled path runs, and whether responses say which path ran."""

    report_path: bool = False
    pool_size: int = 10
    tune_gc: bool = True
    mutations: bool = True
    """Whether single-root-field mutations skip strawberry's executor (graph.compiler.mutations)."""

    @classmethod
    def from_environment(cls) -> "CompilerSettings":
        """BRAINGAIN_COMPILED_MUTATIONS=0 leaves mutations to strawberry's executor (their
        payloads still read by SQL); reporting only outside production. Reads have no switch:
        SQL compiled from the declarations is their only path."""
        production = os.environ.get("BRAINGAIN_ENV", "development") == "production"
        return cls(
            report_path=not production
            and os.environ.get("BRAINGAIN_REPORT_EXECUTION_PATH", "0") == "1",
            pool_size=int(os.environ.get("BRAINGAIN_COMPILED_POOL_SIZE", "10")),
            tune_gc=os.environ.get("BRAINGAIN_TUNE_GC", "1") == "1",
            mutations=os.environ.get("BRAINGAIN_COMPILED_MUTATIONS", "1") != "0",
        )
