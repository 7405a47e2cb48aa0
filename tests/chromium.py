"""Headless Chromium from tests, driven through the Chrome DevTools Protocol over a pipe.

``--remote-debugging-pipe`` makes Chromium read protocol commands on fd 3 and write replies on
fd 4 (JSON messages ended by NUL): no port, no websocket library, no driver. The tests load a
page, set the window width (desktop or phone), take screenshots and measure the layout from the
outside (``Runtime.evaluate`` runs in the inspector: the page itself has no script).

Tests call ``require_chromium()``: it skips with the reason where Chromium is not installed and
fails under CI=true, where scripts/test.sh installs Debian's ``chromium``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from conftest import require

DESKTOP = (1280, 900)
PHONE = (375, 740)


def require_chromium() -> str:
    path = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    require(path, "Chromium is not installed: run scripts/test.sh as root to install Debian's chromium")
    return path


class Browser:
    """One headless Chromium with one page."""

    def __init__(self, timeout: float = 60) -> None:
        self.timeout = timeout
        self.profile = tempfile.TemporaryDirectory(prefix="nianbao-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # above 10, so that moving them to 3 and 4 in the child cannot overwrite one another
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)

        def fds_3_and_4() -> None:
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        args = [require_chromium(), "--headless", "--remote-debugging-pipe", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--force-color-profile=srgb", "--font-render-hinting=none",
                f"--user-data-dir={self.profile.name}", "about:blank"]
        if hasattr(os, "getuid") and os.getuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run its sandbox as root (CI)
        # Chromium's own log goes to a file: a pipe nobody reads would fill and stall it.
        self._log = Path(self.profile.name) / "chromium.log"
        with open(self._log, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         pass_fds=(3, 4), preexec_fn=fds_3_and_4)
        for fd in (to_child_r, from_child_w, high_r, high_w):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.page("Page.enable")

    # --- the protocol ---------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        os.write(self._to_child, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_child], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                log = self._log.read_text(errors="replace") if self._log.exists() else ""
                raise RuntimeError(f"Chromium exited: {log[-2000:]}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params: object) -> dict:
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def page(self, method: str, **params: object) -> dict:
        return self.call(method, self.session, **params)

    def wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == event:
                    return self.events.pop(i)
            self.events.append(self._receive(deadline))

    # --- what the tests do -------------------------------------------------------------------------

    def open(self, path: Path, width: int, height: int, mobile: bool = False) -> None:
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)
        self.events.clear()
        self.page("Page.navigate", url=Path(path).resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression, evaluated by the inspector (the page has none)."""
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """A PNG of the whole page (not only the window) at the current width."""
        params: dict = {"format": "png"}
        if full_page:
            width, height = self.evaluate("[document.documentElement.scrollWidth,"
                                          " document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
        data = self.page("Page.captureScreenshot", **params)["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def print_pdf(self, page: Path, pdf: Path, footer: str = "", **options: object) -> Path:
        """The page printed to PDF as a person prints it from the browser (Page.printToPDF);
        ``footer``: a footer line, ``{n}`` the page number and ``{total}`` the pages."""
        self.open(page, *DESKTOP)
        if footer:
            html = (footer.replace("{n}", '<span class="pageNumber"></span>')
                    .replace("{total}", '<span class="totalPages"></span>'))
            options.update(displayHeaderFooter=True, headerTemplate="<span></span>",
                           footerTemplate=f'<div style="font-size:10px;width:100%;text-align:center">{html}</div>',
                           marginBottom=0.6, marginTop=0.6)
        data = self.page("Page.printToPDF", **options)["data"]
        Path(pdf).write_bytes(base64.b64decode(data))
        return Path(pdf)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
