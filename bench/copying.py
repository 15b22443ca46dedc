"""How long `copier copy` takes, against a one-file template.

Runs `copier copy --defaults` as users do (a new process, the template a git
repository) on this template, in each language, and on a git repository of
one question and one file, several times each, and prints the median times
and their ratio (target: at most 1.5). Asserts nothing.

    .venv/bin/python bench/copying.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_file_template(directory: Path) -> Path:
    directory.mkdir()
    (directory / "copier.yml").write_text("app_title:\n  type: str\n  default: My App\n")
    (directory / "README.md.jinja").write_text("# {{ app_title }}\n")
    git = ["git", "-C", str(directory), "-c", "user.name=Bench", "-c", "user.email=b@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "One file"], check=True)
    return directory


def median_copy(template: Path, runs: int, *answers: str) -> float:
    """The median wall time of `copier copy --defaults` of the template's HEAD."""
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(runs):
            command = [sys.executable, "-m", "copier", "copy", "--quiet", "--defaults"]
            command += ["--vcs-ref", "HEAD", *answers, str(template), str(Path(scratch) / str(run))]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        baseline = median_copy(one_file_template(Path(scratch) / "one"), runs)
    print(f"one-file template: {baseline:.3f} s")
    for language in ("python", "typescript"):
        took = median_copy(ROOT, runs, "-d", f"language={language}")
        print(f"{language}: {took:.3f} s, {took / baseline:.2f}x the one-file template")


if __name__ == "__main__":
    main()
