"""Peak memory and time to refuse hostile participant-list uploads.

    .venv/bin/python bench/hostile_uploads.py [--keep DIR]

Writes each hostile file (bench/hostile_files.py) to a temporary folder, then for each one starts a
fresh Python process that does what the import view does once Django has spooled the upload to
disk: the upload form's checks, then `import_file_read` on the file object (no database needed, the
refusal comes before any query). The child reports its wall time for that step, its peak RSS
(getrusage ru_maxrss) and its RSS just before the step (Django, openpyxl and the form already
loaded), so the growth is what the file itself cost. Limits the platform promises: < 100 MB, < 2 s.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = [
    ("xlsx_million_rows", "million.xlsx", "XLSX, 1,000,000 rows"),
    ("xlsx_zip_bomb", "bomb.xlsx", "XLSX zip bomb, 1 GiB unpacked"),
    ("csv_large", "large.csv", "CSV, 50 MB"),
    ("csv_long_field", "long-field.csv", "CSV, one 129 KiB field"),
    ("csv_nul_bytes", "nul.csv", "CSV with NUL bytes"),
]


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def child(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_program.settings.test")
    import resource

    import django

    django.setup()
    import openpyxl  # noqa: F401  (loaded before the baseline, as in a running server)
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import UploadedFile

    from participants.forms import ImportUploadForm
    from participants.services.imports import import_file_read

    name = Path(path).name
    baseline = _rss_kib()
    started, cpu_started = time.perf_counter(), time.process_time()
    with open(path, "rb") as handle:
        upload = UploadedFile(file=handle, name=name, size=os.path.getsize(path))
        form = ImportUploadForm(data={}, files={"file": upload})
        if form.is_valid():
            try:
                rows = import_file_read(name=name, content=upload)
                outcome = f"accepted {len(rows)} rows"
            except ValidationError as exc:
                outcome = "refused: " + " ".join(exc.messages)
        else:
            outcome = "refused by the form: " + " ".join(form.errors["file"])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_kib": peak, "baseline_kib": baseline, "outcome": outcome}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="write the files here and keep them")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    from bench import hostile_files

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    print("| file | size | refused in (wall) | CPU | peak RSS | RSS growth | answer |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for builder, file_name, label in CASES:
        path = getattr(hostile_files, builder)(folder / file_name)
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True, cwd=ROOT
        )
        data = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"| {label} | {path.stat().st_size / 1e6:.2f} MB | {data['seconds']:.3f} s | {data['cpu_seconds']:.3f} s "
            f"| {data['peak_kib'] / 1024:.0f} MiB "
            f"| {(data['peak_kib'] - data['baseline_kib']) / 1024:.1f} MiB | {data['outcome'][:90]} |"
        )
        if not args.keep:
            path.unlink()
    if not args.keep:
        folder.rmdir()


if __name__ == "__main__":
    main()
