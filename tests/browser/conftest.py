"""A JupyterLab server and a headless Chromium for the browser tests.

The server serves a temporary copy of ``notebooks/`` (run-all leaves notebooks modified and the
autosave would write them back), runs in replay mode with its own Jupyter config, data, runtime,
settings and workspace folders, and listens on 127.0.0.1 only. Its log goes to
``test-artifacts/browser/jupyterlab.log``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts" / "browser"

SERVER_START_TIMEOUT = 90  # seconds: a cold JupyterLab on a slow 2-core machine
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",  # no connections but to 127.0.0.1
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-proxy-server",
]

# Settings the server starts with (user settings, not overrides: nothing is written to sys.prefix).
USER_SETTINGS = {
    # No "Jupyter news" pop-up over the bottom right of every screenshot, and no request to fetch it.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # The extension manager would ask PyPI for extensions: not wanted in a test.
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
    # Every cell in the page, laid out at its real height: the screenshot of a whole notebook needs it.
    # (The default, "contentVisibility", estimates the height of cells out of view.)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status_answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    try:
        with opener.open(url + "api/status", timeout=3) as reply:
            return reply.status == 200 and "started" in json.load(reply)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and the kernels it started (its own process group), SIGKILL after 20 s."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _log_tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace", encoding="utf-8")[-chars:]
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory, artifacts):
    """A running JupyterLab on 127.0.0.1; yields its base URL (ending in ``/``)."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root_dir = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    settings_dir, workspaces_dir = base / "settings", base / "workspaces"
    for name, values in USER_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")
    workspaces_dir.mkdir()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABKIT_", "JUPYTER", "IPYTHON"))}
    env.update(
        LABKIT_MODE="replay",
        LABKIT_HOME=str(base / "labkit-home"),
        JUPYTER_CONFIG_DIR=str(base / "jupyter-config"),
        JUPYTER_DATA_DIR=str(base / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(base / "jupyter-runtime"),
        IPYTHONDIR=str(base / "ipython"),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={workspaces_dir}",
    ]
    log_path = artifacts / "jupyterlab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _status_answers(url):
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {proc.returncode}:\n{_log_tail(log_path)}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer {url}api/status within {SERVER_START_TIMEOUT} s:\n"
                            f"{_log_tail(log_path)}", pytrace=False)
            time.sleep(0.25)
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium, headless, driven by Playwright (which cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "chromium is not installed (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
