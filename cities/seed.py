"""The 2018 LAJU DIGITAL programme and its ten Eastern Indonesia cities (DESIGN.md)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from .models import City, CityTarget, Programme, Region, TimeZone

PROGRAMME_2018 = {
    "slug": "laju-digital-2018",
    "name": "LAJU DIGITAL 2018",
    "description": "Facebook Indonesia social-media training roadshow for UMKM and pemda in Eastern Indonesia.",
    "starts_on": dt.date(2018, 8, 14),
    "ends_on": dt.date(2019, 8, 13),
    "umkm_target": 10_000,
    "pemda_target": 1_000,
}


@dataclass(frozen=True)
class CitySeed:
    name: str
    province: str
    province_code: str
    time_zone: str
    latitude: str
    longitude: str
    umkm_target: int
    pemda_target: int


# Roadshow order: Gorontalo first (September 2018). Targets add up to 10,000.
CITIES_2018 = [
    CitySeed("Gorontalo", "Gorontalo", "75", TimeZone.WITA, "0.54", "123.06", 800, 100),
    CitySeed("Makassar", "Sulawesi Selatan", "73", TimeZone.WITA, "-5.14", "119.42", 1_800, 100),
    CitySeed("Manado", "Sulawesi Utara", "71", TimeZone.WITA, "1.47", "124.84", 1_200, 100),
    CitySeed("Kendari", "Sulawesi Tenggara", "74", TimeZone.WITA, "-3.97", "122.51", 900, 100),
    CitySeed("Denpasar", "Bali", "51", TimeZone.WITA, "-8.65", "115.22", 1_500, 100),
    CitySeed("Mataram", "Nusa Tenggara Barat", "52", TimeZone.WITA, "-8.58", "116.12", 1_000, 100),
    CitySeed("Kupang", "Nusa Tenggara Timur", "53", TimeZone.WITA, "-10.18", "123.61", 900, 100),
    CitySeed("Ambon", "Maluku", "81", TimeZone.WIT, "-3.70", "128.17", 700, 100),
    CitySeed("Jayapura", "Papua", "91", TimeZone.WIT, "-2.53", "140.72", 700, 100),
    CitySeed("Manokwari", "Papua Barat", "92", TimeZone.WIT, "-0.86", "134.06", 500, 100),
]

assert sum(c.umkm_target for c in CITIES_2018) == PROGRAMME_2018["umkm_target"]  # noqa: S101  import-time check of the fixed 2018 targets, not input validation
assert sum(c.pemda_target for c in CITIES_2018) == PROGRAMME_2018["pemda_target"]  # noqa: S101  import-time check of the fixed 2018 targets, not input validation


def _upsert(model, lookup: dict, values: dict) -> tuple[object, bool]:
    """Create the row, or update only the fields that differ; returns (obj, changed)."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        return obj, True
    changed = [f for f, v in values.items() if getattr(obj, f) != v]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=changed)
    return obj, bool(changed)


@transaction.atomic
def programme_seed_2018() -> tuple[Programme, int]:
    """Create or refresh the 2018 programme, cities and targets. Idempotent; returns (programme, rows changed)."""
    changes = 0
    values = {k: v for k, v in PROGRAMME_2018.items() if k != "slug"}
    programme, changed = _upsert(Programme, {"slug": PROGRAMME_2018["slug"]}, values)
    changes += changed
    for order, seed in enumerate(CITIES_2018, start=1):
        city, changed = _upsert(
            City,
            {"name": seed.name},
            {
                "province": seed.province,
                "province_code": seed.province_code,
                "region": Region.EASTERN,
                "time_zone": seed.time_zone,
                "latitude": Decimal(seed.latitude),
                "longitude": Decimal(seed.longitude),
            },
        )
        changes += changed
        _, changed = _upsert(
            CityTarget,
            {"programme": programme, "city": city},
            {"umkm_target": seed.umkm_target, "pemda_target": seed.pemda_target, "roadshow_order": order},
        )
        changes += changed
    return programme, changes  # type: ignore[return-value]
