"""The map's labels stay inside the map and apart; an ended programme's headline states its outcome."""

import re
from types import SimpleNamespace

import pytest
from django.test import Client

from cities.seed import CITIES_2018
from monitoring import charts
from monitoring.selectors import ksp_overview
from users.models import Role

BOX = re.compile(r'data-label-box="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)">([^<]+)</text>')
CIRCLE = re.compile(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"')


def seeded_cities(pct: float):
    return [
        SimpleNamespace(
            name=c.name, latitude=float(c.latitude), longitude=float(c.longitude), pct=pct, trained=1, target=c.umkm_target
        )
        for c in CITIES_2018
    ]


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("pct", [0.0, 17.1, 100.0])
def test_every_city_label_is_whole_inside_the_map_and_clear_of_the_others(pct):
    svg = charts.city_map(seeded_cities(pct))

    labels = [(tuple(map(float, m.groups()[:4])), m.group(5)) for m in BOX.finditer(svg)]
    circles = [(float(x) - float(r), float(y) - float(r), 2 * float(r), 2 * float(r)) for x, y, r in CIRCLE.findall(svg)]
    assert [text.split(" ")[0] for _box, text in labels] == [c.name for c in CITIES_2018]  # Jayapura, not "J"
    for i, (box, text) in enumerate(labels):
        x, y, w, h = box
        assert x >= 0 and x + w <= charts.MAP_WIDTH and y >= 0 and y + h <= charts.MAP_HEIGHT, text
        assert w >= len(text) * 0.6 * charts.MAP_FONT_SIZE, text  # room for the whole text
        others = [b for j, (b, _t) in enumerate(labels) if j != i] + [c for j, c in enumerate(circles) if j != i]
        assert not any(overlap(box, other) for other in others), text


def test_denpasar_and_mataram_are_labelled_on_opposite_sides():
    svg = charts.city_map(seeded_cities(15.0))
    boxes = {m.group(5).split(" ")[0]: float(m.group(1)) for m in BOX.finditer(svg)}
    denpasar_x, _ = charts.project(115.22, -8.65)
    mataram_x, _ = charts.project(116.12, -8.58)

    assert boxes["Denpasar"] < denpasar_x < mataram_x < boxes["Mataram"]


@pytest.mark.django_db
def test_an_ended_programme_says_when_it_ended_and_what_share_it_reached(world, make_user):
    user = make_user(Role.KSP_MONITOR)
    client = Client()
    client.force_login(user)

    html = client.get("/monitoring/ksp/", {"programme": world.programme.pk}).content.decode()

    ov = ksp_overview(user=user, programme=world.programme, today=world.programme.ends_on.replace(year=2026))
    pct = f"{ov.pct:.1f}".replace(".", ",")
    assert f"Program berakhir pada 13 Agustus 2019 dan mencapai {pct}% dari targetnya: {ov.trained} dari 400 UMKM." in html
    assert "laju saat ini" not in html.lower()
    assert "Laju rata-rata selama seluruh program" in html


@pytest.mark.django_db
def test_progress_bars_are_named_and_their_values_are_plain_numbers(world, make_user):
    client = Client()
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    for url in ("/monitoring/ksp/", "/schedule/overview/"):
        html = client.get(url, {"programme": world.programme.pk}).content.decode()
        bars = re.findall(r'<div class="progress[^"]*" role="progressbar"([^>]*)>', html)
        assert bars, url
        for attrs in bars:
            assert re.search(r'aria-label="[^"]+"', attrs), (url, attrs)
            float(re.search(r'aria-valuenow="([^"]*)"', attrs).group(1))  # 44.0, never the Indonesian 44,0
