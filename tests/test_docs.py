"""The README stays true: its command reference is generated from --help."""

import subprocess
import sys

from archiver.cli import cli
from conftest import ROOT


def test_readme_command_reference_is_current():
    proc = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(ROOT / "README.md")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 0, "run: cog -r README.md\n" + proc.stdout + proc.stderr


def test_every_command_is_documented_with_an_example():
    readme = (ROOT / "README.md").read_text()
    for name, command in cli.commands.items():
        assert f"### archiver {name}" in readme
        assert "Example:" in (command.help or ""), name


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make archive" in readme and "make test" in readme
