"""Switches for the compiled read path, from the environment (on unless turned off)."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CompilerSettings:
    """Whether compiled reads serve /graphql, and whether responses say which path ran."""

    enabled: bool = True
    report_path: bool = False
    pool_size: int = 10
    tune_gc: bool = True
    mutations: bool = True
    """Whether single-root-field mutations skip strawberry's executor (graph.compiler.mutations)."""

    @classmethod
    def from_environment(cls) -> "CompilerSettings":
        """BRAINGAIN_COMPILED_READS=0 turns it off (BRAINGAIN_COMPILED_MUTATIONS=0 only the
        mutation executor); reporting only outside production."""
        production = os.environ.get("BRAINGAIN_ENV", "development") == "production"
        return cls(
            enabled=os.environ.get("BRAINGAIN_COMPILED_READS", "1") != "0",
            report_path=not production
            and os.environ.get("BRAINGAIN_REPORT_EXECUTION_PATH", "0") == "1",
            pool_size=int(os.environ.get("BRAINGAIN_COMPILED_POOL_SIZE", "10")),
            tune_gc=os.environ.get("BRAINGAIN_TUNE_GC", "1") == "1",
            mutations=os.environ.get("BRAINGAIN_COMPILED_MUTATIONS", "1") != "0",
        )
