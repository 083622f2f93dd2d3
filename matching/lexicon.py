"""Words that name each topic in Japanese, English and Nepali, to spot topics told in a bio.

The taxonomy names (``requests_app.taxonomy``) are always included; the extra words below are
the everyday terms people write instead ("hoikuen", "保活", "डेकेयर"). English entries are
word-start regexes (so "vaccin" matches "vaccination" and "vaccines"); Japanese and Nepali ones
are plain substrings, as those scripts have no spaces to anchor on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import cast

from requests_app.taxonomy import CATEGORIES, topic_names

EXTRA_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "benefits_application": {
        "en": (
            "benefit",
            "allowance",
            "subsid",
            "public assistance",
            "seikatsu hogo",
            "single.parent",
            "unemployment insurance",
            "koyo hoken",
            "hello work",
        ),
        "ja": (
            "給付",
            "手当",
            "助成",
            "生活保護",
            "扶助",
            "失業保険",
            "雇用保険",
            "一時金",
            "ひとり親",
        ),
        "ne": ("भत्ता", "सहायता", "अनुदान", "एकल अभिभावक", "एकल आमा"),
    },
    "pension": {
        "en": ("pension", "nenkin"),
        "ja": ("年金",),
        "ne": ("पेन्सन", "निवृत्तिभरण"),
    },
    "disability_support": {
        "en": ("disab", "handicap", "autis", "developmental", "ryou?iku", "special needs"),
        "ja": ("障害", "障がい", "発達", "療育", "受給者証", "自閉"),
        "ne": ("अपाङ्ग", "अटिजम", "विकास ढिलो"),
    },
    "elderly_care": {
        "en": (
            "elderly",
            "kaigo",
            "nursing care",
            "care manager",
            "dementia",
            "long.term care",
            "care insurance",
        ),
        "ja": ("介護", "高齢", "認知症", "ケアマネ", "包括支援", "お年寄り"),
        "ne": ("वृद्ध", "बुढा", "बुढी", "बूढा", "हेरचाह बीमा"),
    },
    "financial_hardship": {
        "en": (
            "debt",
            "loan",
            "arrears",
            "food bank",
            "food pantry",
            "pantry",
            "hardship",
            "can't pay",
            "cannot pay",
            "unpaid",
            "installment",
            "instalment",
        ),
        "ja": (
            "生活費",
            "貸付",
            "滞納",
            "フードバンク",
            "フードパントリー",
            "困窮",
            "借金",
            "分割",
            "払えない",
            "子ども食堂",
        ),
        "ne": ("आर्थिक", "ऋण", "पैसा सकियो", "तिर्न सक्दिन", "खाना बाँड्ने", "किस्ता"),
    },
    "daycare_application": {
        "en": ("daycare", "day care", "day-care", "nursery", "hoikuen", "hokatsu", "preschool"),
        "ja": ("保育園", "保育所", "入園", "保活", "保育士", "保育の"),
        "ne": ("डेकेयर", "नर्सरी", "शिशु स्याहार"),
    },
    "school_enrollment": {
        "en": (
            "enrol",
            "admission",
            "transfer(?:red|ring)? (?:to|into) (?:a |the )?(?:new )?school",
            "entrance exam",
            "placement",
            "junior high",
            "elementary school",
        ),
        "ja": ("入学", "転校", "編入", "転入学", "就学", "入試", "進路"),
        "ne": ("भर्ना",),
    },
    "school_communication": {
        "en": (
            "school letter",
            "letters from school",
            "teacher",
            "parent.teacher",
            "school notice",
            "homework",
            "school app",
        ),
        "ja": ("連絡帳", "お便り", "おたより", "面談", "担任", "学校からの", "プリント"),
        "ne": ("शिक्षक", "स्कुलको सूचना", "विद्यालयको सूचना"),
    },
    "after_school_care": {
        "en": ("after.school", "gakudo", "jidokan"),
        "ja": ("学童", "放課後", "児童館", "児童クラブ", "児童育成クラブ", "居場所"),
        "ne": ("स्कुलपछि", "विद्यालयपछि", "जिदोकान"),
    },
    "child_allowance": {
        "en": ("child allowance", "child benefit", "jido teate"),
        "ja": ("児童手当", "子どもの手当", "子ども手当"),
        "ne": ("बाल भत्ता",),
    },
    "finding_clinic": {
        "en": (
            "clinic",
            "doctor",
            "dentist",
            "dermatolog",
            "pediatric",
            "paediatric",
            "ent\\b",
            "physician",
        ),
        "ja": (
            "クリニック",
            "医院",
            "小児科",
            "皮膚科",
            "歯科",
            "内科",
            "受診",
            "病院探し",
            "かかりつけ",
        ),
        "ne": ("क्लिनिक", "डाक्टर", "दाँतको"),
    },
    "hospital_accompaniment": {
        "en": (
            "accompan",
            "hospital",
            "surgery",
            "operation",
            "medical interpret",
            "endoscop",
            "walking .{0,30} to",
        ),
        "ja": ("付き添", "通院", "同行", "手術", "入院", "医療通訳", "病院"),
        "ne": ("अस्पताल", "साथ जान", "साथमा", "दोभाषे"),
    },
    "vaccination": {
        "en": ("vaccin", "immuni[sz]", "jab"),
        "ja": ("予防接種", "ワクチン", "接種", "予診票"),
        "ne": ("खोप",),
    },
    "pregnancy_childbirth": {
        "en": (
            "pregnan",
            "childbirth",
            "birth",
            "labour",
            "labor",
            "midwi",
            "maternity",
            "obstetric",
            "boshi techo",
        ),
        "ja": (
            "妊娠",
            "出産",
            "妊婦",
            "助産",
            "母子手帳",
            "母子健康手帳",
            "産婦人科",
            "産科",
            "里帰り",
        ),
        "ne": ("गर्भ", "सुत्केरी", "प्रसूति", "प्रसव"),
    },
    "health_insurance": {
        "en": ("insurance", "kokuho", "co-pay", "copay"),
        "ja": ("保険証", "健康保険", "国保", "高額療養費", "限度額", "保険料"),
        "ne": ("बीमा",),
    },
    "utilities": {
        "en": (
            "electric",
            "gas\\b",
            "water (?:bill|pipe|supply)",
            "utilit",
            "propane",
            "frozen pipe",
            "heating",
        ),
        "ja": ("電気", "ガス", "水道", "光熱", "凍結", "給湯"),
        "ne": ("बिजुली", "ग्यास", "धारा", "पानीको पाइप", "पानीको बिल"),
    },
    "phone_internet": {
        "en": (
            "phone contract",
            "smartphone",
            "\\bsim\\b",
            "sim card",
            "mobile",
            "carrier",
            "wi-?fi",
            "internet",
            "broadband",
            "fib(?:re|er)",
            "router",
        ),
        "ja": ("スマホ", "携帯", "回線", "ネット", "SIM", "Wi-Fi", "プロバイダ"),
        "ne": ("मोबाइल", "सिम", "इन्टरनेट", "वाइफाइ"),
    },
    "housing": {
        "en": (
            "apartment",
            "\\brent",
            "landlord",
            "lease",
            "tenan",
            "real estate",
            "deposit",
            "move-out",
            "moving out",
            "housing",
            "guarantor",
        ),
        "ja": (
            "部屋探し",
            "賃貸",
            "不動産",
            "アパート",
            "家賃",
            "敷金",
            "退去",
            "入居",
            "保証会社",
            "住まい",
        ),
        "ne": ("डेरा", "कोठा", "घरभाडा", "भाडा"),
    },
    "garbage_rules": {
        "en": ("garbage", "rubbish", "trash", "recycl", "bulky", "waste"),
        "ja": ("ごみ", "ゴミ", "粗大", "分別", "資源物"),
        "ne": ("फोहोर",),
    },
    "bank_account": {
        "en": ("bank", "account(?!ant)", "atm\\b", "cash card"),
        "ja": ("銀行", "口座", "ゆうちょ", "信金", "通帳"),
        "ne": ("बैंक", "खाता"),
    },
    "official_letters": {
        "en": ("letter", "notice", "\\btax", "reminder", "paperwork"),
        "ja": ("通知", "手紙", "税", "督促", "書類"),
        "ne": ("चिठी", "कर फिर्ता", "करको", "सूचना", "कागजपत्र"),
    },
    "resident_registration": {
        "en": (
            "resident registration",
            "residence registration",
            "move-in",
            "moving in",
            "my number",
            "address change",
            "juminhyo",
            "ward office registration",
        ),
        "ja": ("転入", "転出", "住民登録", "住民票", "マイナンバー", "住所変更", "呼び寄せ"),
        "ne": ("ठेगाना दर्ता", "बसोबास दर्ता", "माइ नम्बर", "माइनम्बर"),
    },
}


def topic_codes() -> tuple[str, ...]:
    return tuple(code for category in CATEGORIES.values() for code in category["topics"])


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[tuple[str, str], ...], re.Pattern[str]]:
    """(word, topic) pairs for plain substring tests, and one regex for the English stems."""
    literals: list[tuple[str, str]] = []
    groups = []
    for code in topic_codes():
        words = EXTRA_WORDS.get(code, {})
        for word in (
            *words.get("ja", ()),
            *words.get("ne", ()),
            # Text is a TypedDict of ja/en/ne strings, but its .values() is typed as objects.
            *cast(Mapping[str, str], topic_names(code) or {}).values(),
        ):
            literals.append((word.lower(), code))
        english = [rf"\b{word}" for word in words.get("en", ())]
        if english:
            groups.append(f"(?P<{code}>" + "|".join(english) + ")")
    return tuple(literals), re.compile("|".join(groups))


_LATIN = re.compile(r"[a-z]")


def topics_in(text: str) -> frozenset[str]:
    """Topic codes whose words occur in ``text``."""
    lowered = (text or "").lower()
    literals, english = _matchers()
    found = {code for word, code in literals if word in lowered}
    if _LATIN.search(lowered):
        position = 0
        while (match := english.search(lowered, position)) is not None:
            found.add(match.lastgroup or "")
            position = match.start() + 1  # a word of another topic may overlap this one
        found.discard("")
    return frozenset(found)
