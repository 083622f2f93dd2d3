"""Yen amounts per language: 12,345円 in Japanese, ¥12,345 in English and Nepali."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from donations.money import format_yen


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ja", "12,345円"), ("en", "¥12,345"), ("ne", "¥12,345")],
)
def test_amounts_follow_the_active_language(language: str, expected: str) -> None:
    with translation.override(language):
        assert format_yen(12_345) == expected
        assert (
            Template("{% load money %}{{ amount|yen }}").render(Context({"amount": 12_345}))
            == expected
        )


def test_large_and_small_amounts() -> None:
    assert format_yen(0, "ja") == "0円"
    assert format_yen(999, "en") == "¥999"
    assert format_yen(2_000_000, "ja") == "2,000,000円"
    assert format_yen(1_234_567_890, "ne") == "¥1,234,567,890"


def test_an_empty_amount_renders_nothing() -> None:
    assert Template("{% load money %}[{{ amount|yen }}]").render(Context({"amount": None})) == "[]"
