"""What gets installed is exactly what was locked: hashed pins for every package, runtime
tools kept apart from test tools, and every installer using the locks with hashes."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)")
TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-cov",
    "coverage",
    "ruff",
    "factory-boy",
    "playwright",
    "moto",
    "schemathesis",
    "pyotp",
    "pypdf",
    "pypdfium2",
    "honcho",
    "pip-tools",
    "axe-playwright-python",
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, dict]:
    """Each package of a pip-compile lock: its version and the hashes listed for it."""
    packages: dict[str, dict] = {}
    current = None
    for line in path.read_text().splitlines():
        if match := PIN.match(line):
            current = packages.setdefault(canonical(match[1]), {"version": match[2], "hashes": []})
        elif current is not None and (found := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            current["hashes"].append(found[1])
    return packages


def direct(path: Path) -> dict[str, str]:
    return {canonical(match[1]): match[2] for line in path.read_text().splitlines() if (match := PIN.match(line))}


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_package_is_pinned_with_hashes_and_no_local_index(lock):
    text = (ROOT / lock).read_text()
    packages = locked(ROOT / lock)
    assert packages
    assert [name for name, package in packages.items() if not package["hashes"]] == []
    assert not re.search(r"^\s*--(?:index-url|extra-index-url|find-links)", text, re.MULTILINE)
    assert "file://" not in text


@pytest.mark.parametrize(
    "source, lock", [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_every_direct_dependency_is_locked_at_its_pinned_version(source, lock):
    packages = locked(ROOT / lock)
    assert {name: packages.get(name, {}).get("version") for name in direct(ROOT / source)} == direct(ROOT / source)


def test_the_runtime_lock_holds_no_test_tools_and_shares_versions_with_the_dev_lock():
    runtime, dev = locked(ROOT / "requirements.txt"), locked(ROOT / "requirements-dev.txt")
    assert sorted(TEST_TOOLS & set(runtime)) == []
    assert {"django-storages", "boto3"} <= set(runtime)
    assert {"moto", "pytest-cov"} <= set(dev)
    assert {name: dev[name]["version"] for name in set(dev) & set(runtime)} == {
        name: runtime[name]["version"] for name in set(dev) & set(runtime)
    }


def test_make_and_the_image_install_only_the_hashed_locks():
    makefile, dockerfile = (ROOT / "Makefile").read_text(), (ROOT / "Dockerfile").read_text()
    installs = re.findall(r"pip install[^\n]*-r [^\n]*", makefile + dockerfile)
    assert len(installs) == 3
    assert all("--require-hashes" in line for line in installs)
