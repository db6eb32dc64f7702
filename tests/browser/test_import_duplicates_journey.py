import re

import pytest
from playwright.sync_api import expect

from participants.models import DuplicateCandidate
from tests.factories import ParticipantFactory, TrainingSessionFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_row_like_a_known_person_is_flagged_in_the_preview_and_lands_in_the_merge_queue(
    page, live_server, login, make_user, tmp_path
):
    session = TrainingSessionFactory()
    ParticipantFactory(city=session.city, full_name="Dewi Lestari", business_name="Dapur Dewi", phone="+628114455600")
    csv_file = tmp_path / "daftar.csv"
    csv_file.write_text(
        f"sesi,nama,telepon,usaha\n{session.pk},Dewi Lestary,0812 9999 0001,Dapur Dewi\n{session.pk},Agus Salim,0812 9999 0004,Warung Agus\n",
        encoding="utf-8",
    )
    page = login(make_user(Role.PROGRAMME_ADMIN))
    page.goto(f"{live_server.url}/participants/import/")
    page.set_input_files("input[name=file]", str(csv_file))
    page.get_by_test_id("upload").click()

    expect(page.get_by_test_id("preview-duplicates")).to_contain_text("1 peserta baru tampak seperti orang yang sudah terdaftar")
    expect(page.get_by_test_id("preview-row-2")).to_contain_text("kemungkinan duplikat dari Dewi Lestari")
    expect(page.get_by_test_id("preview-row-3")).not_to_contain_text("duplikat")

    page.get_by_test_id("confirm-import").click()
    expect(page).to_have_url(re.compile(r"/participants/import/\d+/$"))
    expect(page.get_by_test_id("import-result")).to_contain_text("2 peserta baru")

    page.goto(f"{live_server.url}/participants/duplicates/")
    expect(page.locator("body")).to_contain_text("Dewi Lestary")
    assert DuplicateCandidate.objects.get().existing.full_name == "Dewi Lestari"
