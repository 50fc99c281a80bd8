"""Fixtures shared by every test package: paths to the bundled corpus and a headless Chromium."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EVAL_DEV = CORPUS / "eval-dev"
SEEDS = CORPUS / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Chromium must not try to reach the network: these flags keep it on loopback only.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def eval_cases() -> list[dict]:
    import json
    return json.loads((EVAL_DEV / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_text():
    def read(prefix: str) -> str:
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        return path.read_text(encoding="utf-8")
    return read


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (Debian's), driven by Playwright."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def mirror():
    """The offline mirror (mirror/archive/) at state 0, each host on a free loopback port.

    ``mirror.urls["www.shanghai.gov.cn"]`` etc. give the bases; ``set_state``, ``set_fault`` and
    ``hits`` drive and observe it. Stopped after the test.
    """
    from mirror.server import MirrorServer

    server = MirrorServer(state=0).start()
    try:
        yield server
    finally:
        server.stop()


# Runs one regwatch command in-process, then reports every module loaded (on stderr, after its output).
_IMPORT_PROBE = """
import json, sys
from regwatch.cli import main
sys.argv = ["regwatch", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.fixture(scope="session")
def modules_loaded_by():
    """``modules_loaded_by(args, cwd)``: the modules a fresh interpreter holds after ``regwatch *args``."""
    def run(args: list[str], cwd) -> set[str]:
        done = subprocess.run([sys.executable, "-c", _IMPORT_PROBE, json.dumps(args)], capture_output=True,
                              text=True, cwd=cwd, timeout=120)
        return set(json.loads(done.stderr.strip().splitlines()[-1]))
    return run
