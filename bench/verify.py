"""How long verify takes, how many round trips it costs, and what it downloads.

Renders the default project of each language, installs it, and runs its
verify against the fake OpenRouter with 0 ms and with 400 ms of added latency
per request. Round trips = (time at 400 ms - time at 0 ms) / 400 ms: 1.0 means
every request went out at once (target: at most 1.2), with two fallback models
(OPENROUTER_FALLBACK_MODELS) too. Prints ratios; asserts nothing.

    .venv/bin/python bench/verify.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

import copier
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from harness import ROOT, FakeOpenRouter, Project, install, project_at, provide_node

LATENCY = 0.4
#: Two concrete fallback models: each adds a GET /model and an endpoints request.
FALLBACKS = ("anthropic/claude-haiku-4.5", "openai/gpt-5.2")


def timed_runs(
    project: Project,
    directory: Path,
    latency: float,
    runs: int,
    *args: str,
    fallbacks: tuple[str, ...] = (),
) -> tuple[float, float, float]:
    """Median wall time of verify, and the requests and bytes of one run."""
    times = []
    with FakeOpenRouter(latency=latency) as fake:
        fake.serve_model(project.answers["default_model"])
        for model in fallbacks:
            fake.serve_model(model)
        key = fake.add_key(limit=5.0, limit_remaining=4.0)
        more = f"OPENROUTER_FALLBACK_MODELS={','.join(fallbacks)}\n" if fallbacks else ""
        (directory / ".env.development").write_text(
            f"OPENROUTER_API_KEY={key}\nOPENROUTER_BASE_URL={fake.base_url}\n{more}"
        )
        for _ in range(runs):
            started = time.perf_counter()
            result = project.run(*project.entry("verify", *args), cwd=directory, check=False)
            times.append(time.perf_counter() - started)
            assert result.returncode == 0, result.stdout + result.stderr
        return statistics.median(times), len(fake.requests) / runs, fake.bytes_sent / runs


def startup(project: Project, runs: int) -> float:
    """Median wall time of `verify --help`: start-up and imports, no network."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        project.run(*project.entry("verify", "--help"))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def catalogue_size() -> int:
    """Bytes of the full /models catalogue, which verify must not download."""
    with FakeOpenRouter() as fake, urllib.request.urlopen(f"{fake.base_url}/models") as response:
        return len(response.read())


def main() -> None:
    warnings.simplefilter("ignore", copier.errors.DirtyLocalWarning)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default: 5)")
    runs = parser.parse_args().runs
    node = provide_node()
    print(
        f"verify: median of {runs} runs, {LATENCY * 1000:.0f} ms added to each request in the slow runs"
    )
    print(f"(the /models catalogue it avoids is {catalogue_size():,} bytes)\n")
    print(
        f"{'':<34}{'start-up':>9}{'0 ms':>8}{'400 ms':>8}{'round trips':>13}{'requests':>10}{'bytes in':>10}"
    )
    with tempfile.TemporaryDirectory() as temporary:
        for language in ("python", "typescript"):
            path = Path(temporary) / language
            copier.run_copy(
                str(ROOT),
                path,
                data={"language": language},
                defaults=True,
                vcs_ref="HEAD",
                quiet=True,
            )
            answers = yaml.safe_load((path / ".copier-answers.yml").read_text())
            project = install(project_at(path, language, answers), node)
            started = startup(project, runs)
            for args, fallbacks in (((), ()), (("--chat",), ()), (("--chat",), FALLBACKS)):
                fast, requests, received = timed_runs(
                    project, path, 0.0, runs, *args, fallbacks=fallbacks
                )
                slow, _, _ = timed_runs(project, path, LATENCY, runs, *args, fallbacks=fallbacks)
                label = " ".join((language, *args, "+2 fallbacks" if fallbacks else ""))
                trips = (slow - fast) / LATENCY
                print(
                    f"{label:<34}{started:>8.2f}s{fast:>7.2f}s{slow:>7.2f}s{trips:>13.2f}{requests:>10.0f}{received:>10,.0f}"
                )


if __name__ == "__main__":
    main()
