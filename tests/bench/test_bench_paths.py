"""The benchmarks start manage.py, the Procfile's worker and `python -m bench.…` children from
the repository root, and keep their scratch folders under its var/. A benchmark moved into a
package of its own once counted its way up to bench/ instead, and the streaming child of
bench.reports could not find its own module."""

import importlib
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module",
    ["bench.generate_dataset.scratch", "bench.certificates.scratch", "bench.load_stack", "bench.storage"],
)
def test_every_benchmark_starts_its_processes_from_the_repository_root(module):
    base_dir = importlib.import_module(module).BASE_DIR
    assert base_dir == REPOSITORY_ROOT
    assert (base_dir / "manage.py").is_file()
