"""Translation catalogues: complete (0 untranslated, 0 fuzzy) and in step with the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("locale/**/LC_MESSAGES/django.po"))


def test_the_catalogues_exist() -> None:
    names = {str(p.relative_to(ROOT)) for p in CATALOGUES}
    assert {
        "locale/ja/LC_MESSAGES/django.po",
        "locale/ne/LC_MESSAGES/django.po",
        "locale/allauth/ne/LC_MESSAGES/django.po",
    } <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_catalogue_is_complete(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries() if not e.obsolete]
    assert untranslated == []
    assert fuzzy == []
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_are_not_english_copies(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    entries = [e for e in catalogue.translated_entries() if any(c.isalpha() for c in e.msgid)]
    copies = [e.msgid for e in entries if e.msgstr == e.msgid and len(e.msgid) > 3]
    # Brand names and codes may stay; whole sentences may not.
    assert len(copies) <= max(3, len(entries) // 50), copies[:20]


def _keys(path: Path) -> set[tuple[str, str]]:
    return {(e.msgctxt or "", e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}


def test_makemessages_would_add_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "staticfiles",
            "media",
            "test-artifacts",
            "*.mo",
            "__pycache__",
            "*.sqlite3",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ja",
            "-l",
            "ne",
            "--ignore=.venv",
            "--ignore=node_modules",
            "--ignore=staticfiles",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    for language in ("ja", "ne"):
        relative = Path("locale", language, "LC_MESSAGES", "django.po")
        missing = _keys(copy / relative) - _keys(ROOT / relative)
        assert missing == set(), (
            f"{relative}: run `make makemessages` and translate {sorted(missing)[:10]}"
        )
