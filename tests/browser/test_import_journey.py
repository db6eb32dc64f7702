import re

import pytest
from playwright.sync_api import expect

from participants.models import Attendance, Participant
from participants.views import manage
from tests.factories import ParticipantFactory, TrainingSessionFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_imports_a_csv_with_good_and_bad_rows(page, live_server, login, make_user, tmp_path, monkeypatch):
    # Force the background-job path (Celery runs eagerly in tests) so the progress page is what follows confirm.
    monkeypatch.setattr(manage, "IMPORT_INLINE_MAX_ROWS", 1)
    page.set_viewport_size({"width": 390, "height": 844})
    session = TrainingSessionFactory()
    ParticipantFactory(phone="+6281234567890", full_name="Siti Aminah")
    csv_file = tmp_path / "daftar-hadir.csv"
    csv_file.write_text(
        "sesi;nama;telepon;jenis_kelamin;usaha\n"
        f"{session.pk};Siti Aminah;0812-3456-7890;P;Kue Siti\n"
        f"{session.pk};Budi Santoso;0813 9876 5432;L;Bengkel Budi\n"
        f"{session.pk};Tanpa Telepon;12345;L;X\n"
        f"99999;Sesi Salah;0811 2233 4455;P;Y\n"
        f"{session.pk};;0811 2233 4466;P;Z\n",
        encoding="utf-8",
    )
    page = login(make_user(Role.PROGRAMME_ADMIN))
    page.goto(f"{live_server.url}/participants/import/")

    page.set_input_files("input[name=file]", str(csv_file))
    page.get_by_test_id("upload").click()

    expect(page.get_by_test_id("preview-summary")).to_contain_text("1 baris akan menjadi peserta baru, 1 baris cocok")
    expect(page.get_by_test_id("preview-row-4")).to_contain_text("12345")
    expect(page.get_by_test_id("preview-row-5")).to_contain_text("99999")
    expect(page.get_by_test_id("preview-row-6")).to_contain_text("nama belum diisi")
    assert Participant.objects.count() == 1  # nothing written before confirming

    page.get_by_test_id("confirm-import").click()

    expect(page).to_have_url(re.compile(r"/participants/import/\d+/$"))
    expect(page.get_by_test_id("import-progress").get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_test_id("import-result")).to_contain_text("1 peserta baru, 1 cocok")
    assert Participant.objects.count() == 2
    assert Attendance.objects.filter(session=session).count() == 2


def test_a_file_that_is_not_csv_or_xlsx_gets_a_clear_message(page, live_server, login, make_user, tmp_path):
    bad = tmp_path / "list.pdf"
    bad.write_bytes(b"%PDF-1.4")
    page = login(make_user(Role.PROGRAMME_ADMIN))
    page.goto(f"{live_server.url}/participants/import/")
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_test_id("upload").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Unggah berkas CSV atau XLSX")
