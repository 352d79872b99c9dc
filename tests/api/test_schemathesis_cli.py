"""Schemathesis from its own command line against a running server, as an outside client
would use it: gunicorn serving the demo (migrated and loaded into a throw-away SQLite
database), fuzzed once anonymously and once with the demo service token, with every check
schemathesis has (``--checks all``: among them, a request the document says is valid must
not be refused, and one it says is invalid must not be accepted).

The in-process fuzzing (``test_openapi_fuzz.py``) sees the test database; this one sees
what a deployment serves: the real middleware order, the production server and its
workers, the demo data.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_TOKEN = "mnt_demo_service_token_for_local_testing_only"
# A fixed seed: CI runs the same requests every time (a failure reproduces with it).
SEED = "20261205"

# Both runs share one server: keep them on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("schemathesis-cli")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def running_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("schemathesis-server")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{var / 'minato.sqlite3'}",
        "VAR_DIR": str(var),
        "ALLOW_DEMO_SECRETS": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CACHE_URL": "",
        # Fuzzing sends thousands of requests in a minute: limits would answer 429 instead
        # of letting the checks see what the API does.
        "LOGIN_RATE": "100000/m",
        "ANONYMOUS_POST_RATE": "100000/m",
        "UPLOAD_RATE": "100000/m",
        "GUNICORN_WORKERS": "2",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "-v0"], ["createcachetable"], ["load_demo"]):
        subprocess.run(  # noqa: S603 - our own manage.py
            [*manage, *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, on loopback
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-c",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)


def _schemathesis(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    # Not from the repository: schemathesis keeps a cache (.schemathesis/) where it runs.
    return subprocess.run(  # noqa: S603 - schemathesis from this virtualenv, on loopback
        [
            str(BIN / "schemathesis"),
            "run",
            f"{url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "15",
            "--workers",
            "1",
            "--seed",
            SEED,
            "--suppress-health-check",
            "all",
            "--no-color",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
        cwd=tempfile.gettempdir(),
    )


def test_schemathesis_finds_nothing_anonymously(running_server: str) -> None:
    result = _schemathesis(running_server)
    assert result.returncode == 0, result.stdout[-6000:]


def test_schemathesis_finds_nothing_with_the_demo_token(running_server: str) -> None:
    result = _schemathesis(running_server, "--header", f"Authorization: Bearer {DEMO_TOKEN}")
    assert result.returncode == 0, result.stdout[-6000:]
