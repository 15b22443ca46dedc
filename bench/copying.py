"""How long `copier copy` takes, against a one-file template.

Runs `copier copy --defaults` as users do (a new process, the template a git
repository) on this template, in each language, and on a git repository of
one question and one file, several times each, and prints the median times
and their ratio (target: at most 1.5). Asserts nothing.

The three copies take turns, round after round, so a machine that slows down
or speeds up during the run weighs on all three alike; the ratio is the median
of each round's own ratio.

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


def copy_time(template: Path, destination: Path, *answers: str) -> float:
    """The wall time of one `copier copy --defaults` of the template's HEAD."""
    command = [sys.executable, "-m", "copier", "copy", "--quiet", "--defaults"]
    command += ["--vcs-ref", "HEAD", *answers, str(template), str(destination)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    languages = ("python", "typescript")
    times: dict[str, list[float]] = {name: [] for name in ("one-file", *languages)}
    with tempfile.TemporaryDirectory() as scratch:
        one = one_file_template(Path(scratch) / "one")
        for run in range(runs):
            times["one-file"].append(copy_time(one, Path(scratch) / f"one-{run}"))
            for language in languages:
                destination = Path(scratch) / f"{language}-{run}"
                times[language].append(copy_time(ROOT, destination, "-d", f"language={language}"))
    print(f"one-file template: {statistics.median(times['one-file']):.3f} s")
    for language in languages:
        pairs = zip(times[language], times["one-file"], strict=True)
        ratios = [took / base for took, base in pairs]
        print(
            f"{language}: {statistics.median(times[language]):.3f} s,"
            f" {statistics.median(ratios):.2f}x the one-file template"
        )


if __name__ == "__main__":
    main()
