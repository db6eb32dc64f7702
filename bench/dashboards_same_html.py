"""Dump every dashboard page as two code trees render it, and say which pages differ (read-only on DATABASE_URL).

    git archive <base commit> | (mkdir -p /tmp/base && tar -x -C /tmp/base)
    # then copy in the *.mo files (make messages), a link to .venv, and this tree's bench/dashboards_inprocess.py
    # if the base's predates --read-only (the logins below come from it)
    DATABASE_URL=postgres:///umkm_bench REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/dashboards_same_html.py /tmp/base .

For each tree (in its own process, cache emptied first): the pages of bench/dashboards_latency.py plus the
dashboard's third page of sessions, in Indonesian and English, each twice (a cache miss, then a hit), as
the KSP monitor and the policy viewer, with bench/dashboards_inprocess.py --read-only's logins. The CSRF
token and CSP nonce are masked; `--ignore-charts` also masks the dashboard's chart data (JSON).
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PAGES_EXTRA = [("dashboard page 3", "/monitoring/dashboard/?page=3", "policy")]


def dump(out: str) -> None:
    """Runs inside the tree being measured (cwd), writing one file per page, language and attempt to `out`."""
    os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c default_transaction_read_only=on".strip()
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from bench.dashboards_inprocess import cache_login
    from bench.dashboards_latency import pages
    from users.models import User

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    cache.clear()
    for language in ("id", "en"):
        clients = {"": Client(HTTP_HOST="127.0.0.1")}
        for who in ("ksp", "policy"):
            client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
            client.cookies["django_language"] = language
            cache_login(client, User.objects.get(email=f"{who}@example.org"))
            clients[who] = client
        clients["token"] = clients["ksp"]
        for name, path, who in [(p.name, p.path, p.who) for p in pages()] + PAGES_EXTRA:
            for attempt in ("miss", "hit"):
                body = clients[who].get(path).content.decode()
                Path(out, f"{language}-{name.replace(' ', '_')}-{attempt}.html").write_text(body)


def masked(text: str, *, ignore_charts: bool) -> str:
    text = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', text)
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', text)
    if ignore_charts:
        text = re.sub(r'<script id="charts-data" type="application/json">.*?</script>', "", text, flags=re.S)
    return text


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--dump":
        dump(sys.argv[2])
        return
    args = [a for a in sys.argv[1:] if a != "--ignore-charts"]
    ignore_charts = "--ignore-charts" in sys.argv
    trees = [Path(a).resolve() for a in args]
    outs = []
    for tree in trees:
        out = tempfile.mkdtemp(prefix="same-html-")
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--dump", out], cwd=tree, check=True)
        outs.append(Path(out))
    differ = 0
    for page in sorted(outs[0].iterdir()):
        a = masked(page.read_text(), ignore_charts=ignore_charts)
        b = masked((outs[1] / page.name).read_text(), ignore_charts=ignore_charts)
        same = a == b
        differ += not same
        print(f"{'same' if same else 'DIFFERENT'}  {page.name}  {len(a):,} / {len(b):,} characters")
    print(f"{differ} of {len(list(outs[0].iterdir()))} pages differ; dumps in {outs[0]} and {outs[1]}")


if __name__ == "__main__":
    main()
