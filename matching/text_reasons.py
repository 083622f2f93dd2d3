"""Ranking reasons as short phrases in the active language (gettext msgids are English)."""

from __future__ import annotations

from typing import Literal, cast

from django.utils.translation import get_language, gettext

from requests_app.taxonomy import topic_names

UILanguage = Literal["ja", "en", "ne"]

# Resident languages Django's LANG_INFO lacks or names differently; ja/en/ne like the taxonomy.
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "ja": {"ja": "日本語", "en": "Japanese", "ne": "जापानी"},
    "en": {"ja": "英語", "en": "English", "ne": "अङ्ग्रेजी"},
    "ne": {"ja": "ネパール語", "en": "Nepali", "ne": "नेपाली"},
    "zh": {"ja": "中国語", "en": "Chinese", "ne": "चिनियाँ"},
    "ko": {"ja": "韓国語", "en": "Korean", "ne": "कोरियाली"},
    "vi": {"ja": "ベトナム語", "en": "Vietnamese", "ne": "भियतनामी"},
    "tl": {"ja": "タガログ語", "en": "Tagalog", "ne": "तागालोग"},
    "fil": {"ja": "フィリピノ語", "en": "Filipino", "ne": "फिलिपिनो"},
    "pt": {"ja": "ポルトガル語", "en": "Portuguese", "ne": "पोर्तुगाली"},
    "es": {"ja": "スペイン語", "en": "Spanish", "ne": "स्पेनिस"},
    "id": {"ja": "インドネシア語", "en": "Indonesian", "ne": "इन्डोनेसियाली"},
    "hi": {"ja": "ヒンディー語", "en": "Hindi", "ne": "हिन्दी"},
    "my": {"ja": "ミャンマー語", "en": "Burmese", "ne": "बर्मेली"},
    "th": {"ja": "タイ語", "en": "Thai", "ne": "थाई"},
    "si": {"ja": "シンハラ語", "en": "Sinhala", "ne": "सिंहली"},
    "bn": {"ja": "ベンガル語", "en": "Bengali", "ne": "बङ्गाली"},
    "ur": {"ja": "ウルドゥー語", "en": "Urdu", "ne": "उर्दू"},
    "mn": {"ja": "モンゴル語", "en": "Mongolian", "ne": "मङ्गोलियन"},
    "fr": {"ja": "フランス語", "en": "French", "ne": "फ्रान्सेली"},
    "ru": {"ja": "ロシア語", "en": "Russian", "ne": "रुसी"},
    "uk": {"ja": "ウクライナ語", "en": "Ukrainian", "ne": "युक्रेनी"},
}


def _ui_language() -> UILanguage:
    code = (get_language() or "en").split("-")[0].lower()
    return cast(UILanguage, code) if code in ("ja", "en", "ne") else "en"


def language_name(code: str) -> str:
    names = LANGUAGE_NAMES.get(code)
    if names:
        return names[_ui_language()]
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def topic_name(code: str) -> str:
    names = topic_names(code)
    return names[_ui_language()] if names else code.replace("_", " ")


def render(reason) -> str:
    params = reason.params
    if reason.code == "first_language":
        return gettext("speaks %(language)s (first language)") % {
            "language": language_name(str(params["language"]))
        }
    if reason.code == "topic_experience":
        return gettext("experience with %(topic)s") % {"topic": topic_name(str(params["topic"]))}
    if reason.code == "same_municipality":
        return gettext("lives in %(municipality)s") % {"municipality": params["municipality"]}
    if reason.code == "bio_match":
        return gettext("bio: “%(excerpt)s”") % {"excerpt": params["excerpt"]}
    if reason.code == "low_recent_load":
        return gettext("no recent requests")
    return reason.code
