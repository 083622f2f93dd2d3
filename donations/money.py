"""Yen amounts as people read them: 12,345円 in Japanese, ¥12,345 in English and Nepali."""

from __future__ import annotations

from django.utils.translation import get_language


def format_yen(amount: int, language: str | None = None) -> str:
    language = (language or get_language() or "ja").split("-")[0]
    number = f"{int(amount):,}"
    return f"{number}円" if language == "ja" else f"¥{number}"
