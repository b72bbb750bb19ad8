"""Headless Chromium driven over the DevTools protocol (no driver binary).

The browser is the npm package @sparticuz/chromium (tests/support/browser), installed by the
suite with `npm ci` from the registry and launched as a plain process: a newcomer needs no
system Chromium, and none is ever used.
"""

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support.node import exclusive, node, npm_ci

BROWSER = Path(__file__).resolve().parent / "browser"
"""An npm project whose one dependency, @sparticuz/chromium, ships a headless Chromium build."""

UNPACKED = BROWSER / "node_modules" / ".unpacked"
"""Where the package's brotli-compressed Chromium (and its fonts and SwiftShader) is unpacked:
inside node_modules, so `npm ci` for a new lock file starts it afresh, and never the shared
/tmp the package uses by default (which another checkout may fill with another version)."""

FONTS_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def chromium_path() -> str:
    """The headless Chromium from the npm registry (installed with `npm ci`, unpacked on first
    use): nothing from the system's package manager, and no fallback to a system browser."""
    npm_ci(BROWSER)
    complete = UNPACKED / ".complete"
    with exclusive(BROWSER):
        if not complete.exists():
            shutil.rmtree(UNPACKED, ignore_errors=True)  # a run stopped half-way
            UNPACKED.mkdir(parents=True)
            completed = node("path.mjs", cwd=BROWSER, timeout=180, env={"TMPDIR": str(UNPACKED)})
            path = completed.stdout.decode().strip()
            if Path(path) != UNPACKED / "chromium" or not Path(path).is_file():
                raise RuntimeError(
                    f"@sparticuz/chromium gave no browser ({path!r}): {completed.stderr.decode()}"
                )
            (UNPACKED / "fonts.conf").write_text(
                FONTS_CONFIG.format(fonts=UNPACKED / "fonts", cache=UNPACKED / "fonts-cache")
            )
            complete.touch()
    return str(UNPACKED / "chromium")


def _browser_environment() -> dict[str, str]:
    """The fonts unpacked with the browser, through a fontconfig file of our own (the package's
    names /tmp/fonts)."""
    return {**os.environ, "FONTCONFIG_FILE": str(UNPACKED / "fonts.conf")}


class Page:
    """One tab: send commands, keep every event for later inspection."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._dispatch()

    async def close(self) -> None:
        """Close the DevTools connection."""
        await self.socket.close()
        self.reader.cancel()

    async def _dispatch(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            future = self.pending.pop(message.get("id", -1), None)
            if future is not None:
                if "error" in message:
                    future.set_exception(RuntimeError(str(message["error"])))
                else:
                    future.set_result(message.get("result", {}))
            elif "method" in message:
                self.events.append(message)

    async def send(self, method: str, **params: Any) -> Any:
        """Run one DevTools command and return its result."""
        command_id = next(self.ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[command_id] = future
        await self.socket.send(json.dumps({"id": command_id, "method": method, "params": params}))
        return await asyncio.wait_for(future, 30)

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    async def wait_for(self, expression: str, seconds: float = 30) -> Any:
        """Poll `expression` until it is truthy."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.2)
        raise TimeoutError(f"timed out waiting for {expression}")


class Chromium:
    """A headless Chromium process with a throwaway profile."""

    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="braingain-chromium-"))
        self.process = subprocess.Popen(
            [
                chromium_path(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-quic",
                "--disable-sync",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_browser_environment(),
        )

    def _port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}")
            time.sleep(0.1)
        raise TimeoutError("chromium did not open its DevTools port")

    async def open_page(self) -> Page:
        """Attach to the first tab."""
        port = self._port()
        async with httpx.AsyncClient() as client:
            targets = (await client.get(f"http://127.0.0.1:{port}/json/list")).json()
        target = next(target for target in targets if target["type"] == "page")
        socket = await connect(target["webSocketDebuggerUrl"], max_size=None)
        return Page(socket)

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
