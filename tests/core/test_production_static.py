import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    """Production serves hashed, compressed files; a vendored file pointing at a missing file breaks deploys."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "umkm_program.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "DJANGO_STATIC_ROOT": str(tmp_path),
    }
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
    env = {
        # The test process sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never does.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "umkm_program.settings.production",
        "DJANGO_SECRET_KEY": "k3y-" + "x9" * 30,
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
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
