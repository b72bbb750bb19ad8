"""CPU accounting for one timed run: the server process, its PostgreSQL backends, the machine."""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
import psutil

BACKENDS = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND application_name = ANY($1::text[])
  AND pid <> pg_backend_pid()
"""


@dataclass(frozen=True)
class CpuUsage:
    """CPU seconds spent during a run, by whom."""

    server: float
    database: float
    machine_busy: float
    wall: float
    new_backends: int


def _process_seconds(pid: int) -> float:
    try:
        times = psutil.Process(pid).cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0
    return float(times.user + times.system)


def _machine() -> tuple[float, float]:
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return sum(times) - idle, sum(times)


class BackendProbe:
    """Lists the PostgreSQL backends serving a client, over one long-lived connection.

    One connection for the whole benchmark: a shared server may be near `max_connections`.
    """

    def __init__(self, database_url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._connection = self._loop.run_until_complete(asyncpg.connect(database_url))

    def pids(self, application_names: Sequence[str]) -> list[int]:
        """Backends of this database whose client set one of these application_names."""
        query = self._connection.fetch(BACKENDS, list(application_names))
        rows = self._loop.run_until_complete(query)
        return [row["pid"] for row in rows]

    def close(self) -> None:
        """Close the connection and its event loop."""
        self._loop.run_until_complete(self._connection.close())
        self._loop.close()


class CpuMeter:
    """Snapshot before a run, difference after it."""

    def __init__(
        self, server_pid: int, probe: BackendProbe, application_names: Sequence[str]
    ) -> None:
        self.server_pid = server_pid
        self.probe = probe
        self.application_names = application_names
        self._server = 0.0
        self._backends: dict[int, float] = {}
        self._busy = self._total = 0.0

    def _backend_pids(self) -> list[int]:
        return self.probe.pids(self.application_names)

    def start(self) -> None:
        """Remember the counters at the start of the run."""
        self._backends = {pid: _process_seconds(pid) for pid in self._backend_pids()}
        self._server = _process_seconds(self.server_pid)
        self._busy, self._total = _machine()

    def stop(self) -> CpuUsage:
        """CPU spent since start(); backends that appeared meanwhile count in full."""
        busy, total = _machine()
        server = _process_seconds(self.server_pid) - self._server
        pids = self._backend_pids()
        database = sum(_process_seconds(pid) - self._backends.get(pid, 0.0) for pid in pids)
        cores = psutil.cpu_count() or 1
        return CpuUsage(
            server=server,
            database=database,
            machine_busy=busy - self._busy,
            wall=(total - self._total) / cores,
            new_backends=len(set(pids) - set(self._backends)),
        )


def wait_idle(pids: Sequence[int], timeout: float = 120.0, threshold: float = 0.05) -> float:
    """Block until none of `pids` uses more than `threshold` of a core; return seconds waited.

    A closed-loop client that hangs up leaves its in-flight requests behind, and the server
    finishes them anyway: without this the next run would share the CPU with that backlog.
    """
    began = time.monotonic()
    interval = 0.25
    before = [_process_seconds(pid) for pid in pids]
    while time.monotonic() - began < timeout:
        time.sleep(interval)
        after = [_process_seconds(pid) for pid in pids]
        if all(now - then < threshold * interval for now, then in zip(after, before, strict=True)):
            break
        before = after
    return time.monotonic() - began


def wait_quiet(threshold: float, timeout: float, interval: float = 1.0) -> float:
    """Block until the machine as a whole uses at most `threshold` cores (others' work: tests,
    builds) or `timeout` passes; return the cores busy in the last interval."""
    began = time.monotonic()
    busy_before, total_before = _machine()
    cores = psutil.cpu_count() or 1
    while True:
        time.sleep(interval)
        busy, total = _machine()
        load = (busy - busy_before) / ((total - total_before) / cores)
        if load <= threshold or time.monotonic() - began >= timeout:
            return load
        busy_before, total_before = busy, total
