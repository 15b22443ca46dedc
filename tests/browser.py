"""Headless Chromium in the role of the user's browser, for the login tests.

Run as a program, it is what login starts as $BROWSER:

    browser.py --chromium PATH --report PORT --record DIR URL

It visits URL as a user's browser does (redirects followed; on the last origin
a spare connection opened early and the favicon fetched) and saves the page it
ends on (the DOM after load as page.html, a screenshot as page.png) in a new
directory under DIR. It connects to the test listening on 127.0.0.1:PORT when
it starts and reports the visit there when it is over: login does not wait
for its browser, so the report is how a test knows.
"""

from __future__ import annotations

import argparse
import json
import select
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

# Headless, and quiet: no first-run UI, no sync, updates or other background
# traffic, no proxy, and every host name but localhost unresolvable, so the
# browser reaches nothing beyond 127.0.0.1. --no-sandbox: CI runs as root.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--hide-scrollbars",
)
# The login page's card with a margin, in pixels twice as dense as CSS pixels
# (sharp on high-density screens, where the README shows the screenshot).
WINDOW = ("--window-size=640,420", "--force-device-scale-factor=2")
START_TIMEOUT = 60.0  # seconds from login's start to the browser's; about one
VISIT_TIMEOUT = 60.0  # seconds; a visit takes about one


@dataclass
class Visit:
    """One page load: the URL asked for, what the browser ended on, what it logged."""

    url: str
    page: str  # the final DOM, serialized ("" when nothing loaded)
    screenshot: str  # path of the PNG
    log: str  # Chromium's stderr

    @property
    def loaded(self) -> bool:
        """Whether a page loaded (Chromium exits 0 even when none did)."""
        return bool(self.page) and "Page load failed" not in self.log

    @property
    def text(self) -> str:
        """The page's visible text, whitespace collapsed."""
        return _Text.of(self.page)

    def element_text(self, element_id: str) -> str:
        """The text of the element with this id ("" if there is none)."""
        return _Text.of(self.page, element_id)


def visit(chromium: Path, url: str, record: Path, *, dark: bool = False) -> Visit:
    """Load url in a fresh headless Chromium; keep the final DOM and a screenshot in record."""
    record.mkdir(parents=True, exist_ok=True)
    screenshot = record / ("page-dark.png" if dark else "page.png")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = subprocess.run(
            [
                str(chromium),
                *FLAGS,
                *(["--force-dark-mode"] if dark else []),
                f"--user-data-dir={profile}",
                *WINDOW,
                f"--screenshot={screenshot}",
                "--dump-dom",
                url,
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=VISIT_TIMEOUT,
        )
    (record / "page.html").write_text(result.stdout)
    (record / "chromium.log").write_text(result.stderr)
    return Visit(url, result.stdout, str(screenshot), f"exit {result.returncode}\n{result.stderr}")


def screenshot_in_dark_mode(chromium: Path, page: Visit, record: Path) -> Path:
    """Screenshot a page's saved DOM again with the browser in dark mode.

    Login's pages are self-contained (inline CSS), so the saved DOM renders as
    the live page did, and the callback server need not serve it twice.
    """
    saved = record / "saved.html"
    saved.write_text(page.page)
    return Path(visit(chromium, saved.as_uri(), record, dark=True).screenshot)


class Browser:
    """login's $BROWSER for one test: a script that runs this module, and its reports."""

    def __init__(self, chromium: Path, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._listener = socket.create_server(("127.0.0.1", 0))
        port = self._listener.getsockname()[1]
        # login splits $BROWSER on whitespace and runs it without a shell, so
        # $BROWSER is this one path; the script holds the arguments.
        self.command = directory / "browser"
        arguments = [
            sys.executable,
            __file__,
            "--chromium",
            str(chromium),
            "--report",
            str(port),
            "--record",
            str(directory),
        ]
        self.command.write_text(f'#!/bin/sh\nexec {shlex.join(arguments)} "$@"\n')
        self.command.chmod(0o755)

    def next_visit(self, opener: subprocess.Popen[str] | None = None) -> Visit:
        """The browser's next visit, once it is over.

        The browser connects when it starts and reports the visit on that
        connection. If opener (login) ends before the browser has started, no
        visit will come, and the wait ends there with what login printed.
        """
        deadline = time.monotonic() + START_TIMEOUT
        while not select.select([self._listener], [], [], 0.25)[0]:
            if opener is not None and opener.poll() is not None:
                out, err = opener.communicate()
                raise AssertionError(
                    f"login exited {opener.returncode} and never opened the browser:\n{out}{err}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"the browser did not start within {START_TIMEOUT:g} s")
        connection, _ = self._listener.accept()
        connection.settimeout(2 * VISIT_TIMEOUT)
        with connection, connection.makefile("r", encoding="utf-8") as report:
            return Visit(**json.loads(report.read()))

    def close(self) -> None:
        self._listener.close()


class _Text(HTMLParser):
    """Visible text of an HTML page, or of one element in it."""

    HIDDEN = frozenset({"head", "script", "style", "template"})
    VOID = frozenset(
        {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        }
    )

    def __init__(self, element_id: str | None) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0 if element_id is None else -1  # > 0: inside the element
        self.hidden = 0
        self.parts: list[str] = []

    @classmethod
    def of(cls, html: str, element_id: str | None = None) -> str:
        parser = cls(element_id)
        parser.feed(html)
        parser.close()
        return " ".join("".join(parser.parts).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")
        if tag in self.VOID:  # no end tag follows
            return
        if tag in self.HIDDEN:
            self.hidden += 1
        if self.depth > 0:
            self.depth += 1
        elif self.element_id is not None and ("id", self.element_id) in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")
        if tag in self.VOID:
            return
        if tag in self.HIDDEN:
            self.hidden -= 1
        if self.depth > 0:
            self.depth -= 1
            if self.depth == 0:
                self.depth = -1  # the element is over

    def handle_data(self, data: str) -> None:
        if self.hidden == 0 and (self.element_id is None or self.depth > 0):
            self.parts.append(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chromium", type=Path, required=True)
    parser.add_argument("--report", type=int, required=True, metavar="PORT")
    parser.add_argument("--record", type=Path, required=True, metavar="DIR")
    parser.add_argument("url")
    args = parser.parse_args(argv)
    args.record.mkdir(parents=True, exist_ok=True)
    record = Path(tempfile.mkdtemp(prefix="visit-", dir=args.record))
    with socket.create_connection(("127.0.0.1", args.report)) as report:  # started
        try:
            result = visit(args.chromium, args.url, record)
        except (OSError, subprocess.SubprocessError) as error:  # reported all the same
            result = Visit(args.url, "", "", f"the browser failed: {error}")
        report.sendall(json.dumps(asdict(result)).encode())
    return 0 if result.loaded else 1


if __name__ == "__main__":
    sys.exit(main())
