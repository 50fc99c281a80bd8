"""Fixtures of the notify tests: a real SMTP server on loopback (see notify_smtp) with its password set."""
from __future__ import annotations

from pathlib import Path

import pytest

from notify_smtp import PASSWORD, PASSWORD_ENV, SMTPServer, self_signed


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_password(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return PASSWORD


@pytest.fixture
def smtp_server(tls_files, smtp_password):
    server = SMTPServer(tls_files).start()
    yield server
    server.stop()
