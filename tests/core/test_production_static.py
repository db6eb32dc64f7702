import subprocess
import sys
from pathlib import Path

from tests.core.production_env import production_env

ROOT = Path(__file__).resolve().parents[2]


def test_production_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    """Production serves hashed, compressed files; a vendored file pointing at a missing file breaks deploys."""
    env = production_env(DJANGO_STATIC_ROOT=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert any(
        p.name.startswith("bootstrap.min.") and p.suffix == ".css" and p.name != "bootstrap.min.css"
        for p in tmp_path.rglob("*.css")
    )


def test_production_settings_pass_the_deploy_check():
    env = production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "no issues" in result.stdout
