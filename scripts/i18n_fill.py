"""Fill translation catalogues: English msgstr = msgid where empty; Indonesian from a JSON
dictionary file (msgid -> msgstr). Usage: python scripts/i18n_fill.py [translations.json ...]

Every app keeps its own catalogue under <app>/locale; templates/ and the project package
use locale/. Run `manage.py makemessages -l id -l en` first, then this, then check with
`pytest tests/core/test_i18n.py`.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues(lang: str):
    for path in ROOT.glob(f"**/locale/{lang}/LC_MESSAGES/django.po"):
        if ".venv" in path.parts:
            continue
        yield path


def main(dictionaries: list[str]) -> int:
    translations: dict[str, str] = {}
    for name in dictionaries:
        translations.update(json.loads(Path(name).read_text(encoding="utf-8")))
    missing = []
    for path in catalogues("en"):
        po = polib.pofile(str(path))
        for entry in po:
            # English is the source language: its translation is always the msgid itself,
            # also where msgmerge guessed a fuzzy match from another string.
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
    for path in catalogues("id"):
        po = polib.pofile(str(path))
        for entry in po:
            if "fuzzy" in entry.flags:
                # A fuzzy guess is another string's translation: never keep it.
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {}
            if entry.msgid_plural:
                if not entry.msgstr_plural.get(0) and entry.msgid in translations:
                    entry.msgstr_plural = {0: translations[entry.msgid]}
            elif not entry.msgstr and entry.msgid in translations:
                entry.msgstr = translations[entry.msgid]
            untranslated = not (entry.msgstr or entry.msgstr_plural.get(0))
            if untranslated or "fuzzy" in entry.flags:
                missing.append(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
        po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        po.save()
    for line in missing:
        print("untranslated:", line)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
