"""Combining rounds into one figure per server, and printing the comparison tables."""

from collections.abc import Sequence
from dataclasses import dataclass

from bench.cpu import CpuUsage
from bench.load import LoadResult


@dataclass(frozen=True)
class Aggregate:
    """One server's rounds for one query and concurrency, combined."""

    requests: int
    duration: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: float
    database_cpu: float
    load_generator_cpu: float  # cores, mean over the rounds
    machine_busy: float
    wall: float
    new_backends: int

    @classmethod
    def of(cls, rounds: Sequence[tuple[LoadResult, CpuUsage]]) -> "Aggregate":
        """Sum counts and CPU; latency percentiles are the request-weighted mean of the rounds."""
        requests = sum(result.requests for result, _ in rounds)
        weight = requests or 1
        return cls(
            requests=requests,
            duration=sum(result.duration for result, _ in rounds),
            p50_ms=sum(result.p50_ms * result.requests for result, _ in rounds) / weight,
            p99_ms=sum(result.p99_ms * result.requests for result, _ in rounds) / weight,
            errors=sum(result.errors for result, _ in rounds),
            server_cpu=sum(cpu.server for _, cpu in rounds),
            database_cpu=sum(cpu.database for _, cpu in rounds),
            load_generator_cpu=sum(result.generator_cpu for result, _ in rounds) / len(rounds),
            machine_busy=sum(cpu.machine_busy for _, cpu in rounds),
            wall=sum(cpu.wall for _, cpu in rounds),
            new_backends=sum(cpu.new_backends for _, cpu in rounds),
        )

    @property
    def requests_per_second(self) -> float:
        """Throughput over all rounds."""
        return self.requests / self.duration if self.duration else 0.0

    def cpu_ms(self, seconds: float) -> float:
        """CPU milliseconds per request."""
        return seconds * 1e3 / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class Comparison:
    """Both servers on one query at one concurrency."""

    query: str
    concurrency: int
    ours: Aggregate
    baseline: Aggregate

    @property
    def ratio(self) -> float:
        """Our throughput as a fraction of the baseline's."""
        base = self.baseline.requests_per_second
        return self.ours.requests_per_second / base if base else 0.0


THROUGHPUT_HEADER = (
    "query",
    "conc",
    "ours req/s",
    "p50 ms",
    "p99 ms",
    "base req/s",
    "p50 ms",
    "p99 ms",
    "ours/base",
)
CPU_HEADER = (
    "query",
    "conc",
    "ours app ms",
    "ours db ms",
    "base app ms",
    "base db ms",
    "app ratio",
    "loadgen cores",
    "other cores",
    "errors",
    "new conns",
)


def throughput_rows(comparisons: Sequence[Comparison]) -> list[tuple[str, ...]]:
    """The main table: req/s and latency of both servers, and the ratio."""
    return [
        (
            item.query,
            str(item.concurrency),
            f"{item.ours.requests_per_second:.1f}",
            f"{item.ours.p50_ms:.1f}",
            f"{item.ours.p99_ms:.1f}",
            f"{item.baseline.requests_per_second:.1f}",
            f"{item.baseline.p50_ms:.1f}",
            f"{item.baseline.p99_ms:.1f}",
            f"{item.ratio:.3f}",
        )
        for item in comparisons
    ]


def cpu_rows(comparisons: Sequence[Comparison]) -> list[tuple[str, ...]]:
    """CPU per request in each server process and in its PostgreSQL backends."""
    rows: list[tuple[str, ...]] = []
    for item in comparisons:
        ours, base = item.ours, item.baseline
        base_app = base.cpu_ms(base.server_cpu)
        ours_app = ours.cpu_ms(ours.server_cpu)
        wall = ours.wall + base.wall
        accounted = ours.server_cpu + ours.database_cpu + base.server_cpu + base.database_cpu
        generator = (ours.load_generator_cpu + base.load_generator_cpu) / 2
        other = (
            (ours.machine_busy + base.machine_busy - accounted) / wall - generator if wall else 0
        )
        rows.append(
            (
                item.query,
                str(item.concurrency),
                f"{ours_app:.2f}",
                f"{ours.cpu_ms(ours.database_cpu):.2f}",
                f"{base_app:.2f}",
                f"{base.cpu_ms(base.database_cpu):.2f}",
                f"{ours_app / base_app:.1f}x" if base_app else "-",
                f"{generator:.2f}",
                f"{other:.2f}",
                f"{ours.errors}/{base.errors}",
                f"{ours.new_backends}/{base.new_backends}",
            )
        )
    return rows


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned with spaces, for the terminal."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        for line in [tuple(header), *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table, for bench/README.md."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
