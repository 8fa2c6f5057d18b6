"""The code is linted as pyproject.toml says (ruff: pyflakes, pycodestyle with the 120-column limit, bugbear,
pyupgrade, import order): a violation fails the suite, not a reviewer's eye."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing_to_report():
    ruff = shutil.which("ruff")
    assert ruff is not None, "ruff is in the dev dependencies: run the tests through ./palapa test"
    result = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
