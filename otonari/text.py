"""Cleaning of free text typed by people: no control characters, normalised Unicode and newlines."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 control characters except tab and newline, plus zero-width and bidi overrides
# that can hide or reorder text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: str, *, multiline: bool = True) -> str:
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    value = _CONTROL.sub("", value)
    if multiline:
        value = re.sub(r"\n{3,}", "\n\n", value)
    return value.strip()


_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def detect_language(text: str) -> str:
    """Tell ja, ne or en apart by script: residents write in one of the site's three languages."""
    devanagari = len(_DEVANAGARI.findall(text))
    japanese = len(_JAPANESE.findall(text))
    if devanagari == 0 and japanese == 0:
        return "en"
    return "ne" if devanagari >= japanese else "ja"
