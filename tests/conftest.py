import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_e03851435a1492d4.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def archive(tmp_path):
    return tmp_path / "archive"


@pytest.fixture
def run(archive, tmp_path):
    """Run the real `archiver` command in a subprocess against a temporary archive."""

    def run(*args, input=None, env=None, check_json=False):
        full_env = {
            k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")
        }
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "--archive", str(archive), *args],
            input=input,
            capture_output=True,
            cwd=tmp_path,
            env=full_env,
            timeout=300,
        )
        proc.stdout_text = proc.stdout.decode("utf-8")
        proc.stderr_text = proc.stderr.decode("utf-8")
        if check_json:
            proc.json = json.loads(proc.stdout_text)
        return proc

    return run


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs, for filling the disk under a run; skipped where mount is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if proc.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)
