"""The fixed vocabulary shared by requests, volunteers and ranking: categories, topics, prefectures.

Codes are the ones in ``shared/matching-eval/README.md``. Names and hints are written here once in
Japanese, English and Nepali; the data migration copies them into the translated ``Category`` and
``Topic`` rows (which staff may then edit), and the ranker reads them to describe topics in all
three languages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from .models import Category, Topic


class Text(TypedDict):
    ja: str
    en: str
    ne: str


class TopicSpec(TypedDict):
    name: Text
    hint: Text


class CategorySpec(TypedDict):
    name: Text
    description: Text
    topics: dict[str, TopicSpec]


CATEGORIES: dict[str, CategorySpec] = {
    "welfare": {
        "name": {"ja": "福祉", "en": "Welfare", "ne": "सामाजिक कल्याण"},
        "description": {
            "ja": "手当・年金・介護・生活のお金の困りごと",
            "en": "Benefits, pension, care and money trouble",
            "ne": "भत्ता, पेन्सन, हेरचाह र पैसाको समस्या",
        },
        "topics": {
            "benefits_application": {
                "name": {
                    "ja": "給付金・手当の申請",
                    "en": "Applying for benefits",
                    "ne": "भत्ता वा सहायताको आवेदन",
                },
                "hint": {
                    "ja": "在留カード、マイナンバーカード、通帳、届いた書類を用意してください。",
                    "en": "Bring your residence card, My Number card, bank book and any letters you received.",
                    "ne": "आफ्नो रेसिडेन्स कार्ड, माइ नम्बर कार्ड, बैंक खाता पुस्तिका र आएका चिठीहरू ल्याउनुहोस्।",
                },
            },
            "pension": {
                "name": {"ja": "年金", "en": "Pension", "ne": "पेन्सन"},
                "hint": {
                    "ja": "年金手帳または基礎年金番号の分かるもの、届いた書類を用意してください。",
                    "en": "Have your pension book or pension number and any pension letters ready.",
                    "ne": "पेन्सन पुस्तिका वा पेन्सन नम्बर र पेन्सनसम्बन्धी चिठीहरू तयार राख्नुहोस्।",
                },
            },
            "disability_support": {
                "name": {
                    "ja": "障害のある人の支援",
                    "en": "Disability support",
                    "ne": "अपाङ्गता भएका व्यक्तिलाई सहायता",
                },
                "hint": {
                    "ja": "障害者手帳や診断書があれば用意してください。",
                    "en": "Bring a disability certificate or doctor's note if you have one.",
                    "ne": "अपाङ्गता प्रमाणपत्र वा डाक्टरको कागज छ भने ल्याउनुहोस्।",
                },
            },
            "elderly_care": {
                "name": {"ja": "高齢者の介護", "en": "Elderly care", "ne": "वृद्धवृद्धाको हेरचाह"},
                "hint": {
                    "ja": "介護保険証と、困っていることのメモを用意してください。",
                    "en": "Have the long-term care insurance card and a note of what is difficult.",
                    "ne": "दीर्घकालीन हेरचाह बीमा कार्ड र के गाह्रो भइरहेको छ भन्ने टिपोट तयार राख्नुहोस्।",
                },
            },
            "financial_hardship": {
                "name": {"ja": "生活のお金の困りごと", "en": "Money trouble", "ne": "आर्थिक कठिनाइ"},
                "hint": {
                    "ja": "収入と支払いが分かるもの（給与明細、請求書など）を用意してください。",
                    "en": "Bring papers that show your income and bills (pay slips, invoices).",
                    "ne": "आम्दानी र बिलहरू देखाउने कागज (तलब पर्ची, बिल) ल्याउनुहोस्।",
                },
            },
        },
    },
    "childcare_education": {
        "name": {
            "ja": "子育て・教育",
            "en": "Childcare and education",
            "ne": "बालबालिकाको हेरचाह र शिक्षा",
        },
        "description": {
            "ja": "保育園・学校・学童・児童手当",
            "en": "Daycare, school, after-school care, child allowance",
            "ne": "डेकेयर, विद्यालय, विद्यालयपछिको हेरचाह, बाल भत्ता",
        },
        "topics": {
            "daycare_application": {
                "name": {
                    "ja": "保育園の申し込み",
                    "en": "Daycare application",
                    "ne": "डेकेयर (नर्सरी) को आवेदन",
                },
                "hint": {
                    "ja": "保育園の申込書、両親の勤務証明書、在留カードを用意してください。",
                    "en": "Have the daycare form, both parents' proof of work and residence cards ready.",
                    "ne": "डेकेयरको फारम, आमाबुबाको कामको प्रमाणपत्र र रेसिडेन्स कार्ड तयार राख्नुहोस्।",
                },
            },
            "school_enrollment": {
                "name": {
                    "ja": "入学・転校の手続き",
                    "en": "School enrollment",
                    "ne": "विद्यालय भर्ना",
                },
                "hint": {
                    "ja": "子どもの在留カードと、前の学校の書類があれば用意してください。",
                    "en": "Bring your child's residence card and papers from the previous school, if any.",
                    "ne": "बच्चाको रेसिडेन्स कार्ड र पहिलेको विद्यालयका कागज छन् भने ल्याउनुहोस्।",
                },
            },
            "school_communication": {
                "name": {
                    "ja": "学校からのお便り・連絡",
                    "en": "Letters and talks with school",
                    "ne": "विद्यालयका सूचना र कुराकानी",
                },
                "hint": {
                    "ja": "学校からのお便りやプリントを写真に撮るか、持ってきてください。",
                    "en": "Take a photo of the school letters or bring them with you.",
                    "ne": "विद्यालयबाट आएका सूचना वा कागजको फोटो खिच्नुहोस् वा साथमा ल्याउनुहोस्।",
                },
            },
            "after_school_care": {
                "name": {"ja": "学童保育", "en": "After-school care", "ne": "विद्यालयपछिको हेरचाह"},
                "hint": {
                    "ja": "申込書と、保護者の勤務時間が分かるものを用意してください。",
                    "en": "Have the application form and proof of the parents' working hours ready.",
                    "ne": "आवेदन फारम र अभिभावकको कामको समय देखाउने कागज तयार राख्नुहोस्।",
                },
            },
            "child_allowance": {
                "name": {"ja": "児童手当", "en": "Child allowance", "ne": "बाल भत्ता"},
                "hint": {
                    "ja": "通帳、マイナンバーカード、健康保険証を用意してください。",
                    "en": "Bring your bank book, My Number card and health insurance card.",
                    "ne": "बैंक खाता पुस्तिका, माइ नम्बर कार्ड र स्वास्थ्य बीमा कार्ड ल्याउनुहोस्।",
                },
            },
        },
    },
    "healthcare": {
        "name": {"ja": "医療", "en": "Healthcare", "ne": "स्वास्थ्य सेवा"},
        "description": {
            "ja": "病院探し・付き添い・予防接種・妊娠と出産・健康保険",
            "en": "Finding a clinic, going with you, vaccines, pregnancy, insurance",
            "ne": "क्लिनिक खोज्ने, साथ जाने, खोप, गर्भावस्था, बीमा",
        },
        "topics": {
            "finding_clinic": {
                "name": {
                    "ja": "病院・クリニック探し",
                    "en": "Finding a clinic",
                    "ne": "अस्पताल वा क्लिनिक खोज्ने",
                },
                "hint": {
                    "ja": "どんな症状か、いつから続いているかをメモしてください。",
                    "en": "Write down your symptoms and since when you have had them.",
                    "ne": "तपाईंको लक्षण र कहिलेदेखि छ भन्ने कुरा टिप्नुहोस्।",
                },
            },
            "hospital_accompaniment": {
                "name": {
                    "ja": "病院への付き添い",
                    "en": "Going to hospital together",
                    "ne": "अस्पतालमा साथमा जाने",
                },
                "hint": {
                    "ja": "健康保険証、診察券、飲んでいる薬やお薬手帳を持ってきてください。",
                    "en": "Bring your health insurance card, patient card and your medicines or medicine notebook.",
                    "ne": "स्वास्थ्य बीमा कार्ड, बिरामी कार्ड र खाइरहेको औषधि वा औषधि पुस्तिका ल्याउनुहोस्।",
                },
            },
            "vaccination": {
                "name": {"ja": "予防接種", "en": "Vaccination", "ne": "खोप"},
                "hint": {
                    "ja": "母子手帳と、市区町村から届いた予診票を用意してください。",
                    "en": "Have the mother-and-child handbook and the vaccination form from the city ready.",
                    "ne": "आमा-बच्चा स्वास्थ्य पुस्तिका र नगरपालिकाबाट आएको खोप फारम तयार राख्नुहोस्।",
                },
            },
            "pregnancy_childbirth": {
                "name": {
                    "ja": "妊娠・出産",
                    "en": "Pregnancy and childbirth",
                    "ne": "गर्भावस्था र सुत्केरी",
                },
                "hint": {
                    "ja": "母子手帳（あれば）と健康保険証、出産予定日のメモを用意してください。",
                    "en": "Bring the mother-and-child handbook if you have it, your insurance card and your due date.",
                    "ne": "आमा-बच्चा पुस्तिका (भए), स्वास्थ्य बीमा कार्ड र बच्चा जन्मने अनुमानित मिति ल्याउनुहोस्।",
                },
            },
            "health_insurance": {
                "name": {"ja": "健康保険", "en": "Health insurance", "ne": "स्वास्थ्य बीमा"},
                "hint": {
                    "ja": "在留カード、届いた保険の書類や請求書を用意してください。",
                    "en": "Have your residence card and any insurance letters or bills ready.",
                    "ne": "रेसिडेन्स कार्ड र बीमासम्बन्धी चिठी वा बिल तयार राख्नुहोस्।",
                },
            },
        },
    },
    "living": {
        "name": {"ja": "暮らし", "en": "Daily life", "ne": "दैनिक जीवन"},
        "description": {
            "ja": "電気・ガス・水道、携帯、住まい、ごみ、銀行、役所の手紙、住民登録",
            "en": "Utilities, phone, housing, garbage, bank, official letters, registration",
            "ne": "बिजुली-पानी, फोन, घर, फोहोर, बैंक, सरकारी चिठी, दर्ता",
        },
        "topics": {
            "utilities": {
                "name": {
                    "ja": "電気・ガス・水道",
                    "en": "Electricity, gas and water",
                    "ne": "बिजुली, ग्यास र पानी",
                },
                "hint": {
                    "ja": "届いた請求書やお知らせ、住所が分かるものを用意してください。",
                    "en": "Have the bills or notices you received and your address ready.",
                    "ne": "आएका बिल वा सूचना र आफ्नो ठेगाना तयार राख्नुहोस्।",
                },
            },
            "phone_internet": {
                "name": {
                    "ja": "携帯電話・インターネット",
                    "en": "Phone and internet",
                    "ne": "मोबाइल फोन र इन्टरनेट",
                },
                "hint": {
                    "ja": "在留カード、キャッシュカードまたはクレジットカードを用意してください。",
                    "en": "Bring your residence card and a bank or credit card.",
                    "ne": "रेसिडेन्स कार्ड र बैंक वा क्रेडिट कार्ड ल्याउनुहोस्।",
                },
            },
            "housing": {
                "name": {"ja": "住まい・部屋探し", "en": "Housing", "ne": "घर वा कोठा खोज्ने"},
                "hint": {
                    "ja": "在留カード、収入が分かるもの、希望の場所と家賃をメモしてください。",
                    "en": "Have your residence card, proof of income, and the area and rent you want.",
                    "ne": "रेसिडेन्स कार्ड, आम्दानीको प्रमाण र चाहेको ठाउँ र भाडा टिप्नुहोस्।",
                },
            },
            "garbage_rules": {
                "name": {"ja": "ごみの出し方", "en": "Garbage rules", "ne": "फोहोर फाल्ने नियम"},
                "hint": {
                    "ja": "市区町村のごみカレンダーやお知らせがあれば用意してください。",
                    "en": "Have your city's garbage calendar or notice if you have one.",
                    "ne": "नगरपालिकाको फोहोर फाल्ने पात्रो वा सूचना भए तयार राख्नुहोस्।",
                },
            },
            "bank_account": {
                "name": {"ja": "銀行口座", "en": "Bank account", "ne": "बैंक खाता"},
                "hint": {
                    "ja": "在留カード、印鑑（あれば）、電話番号を用意してください。",
                    "en": "Bring your residence card, a name stamp (hanko) if you have one, and your phone number.",
                    "ne": "रेसिडेन्स कार्ड, नामको छाप (हान्को) भए र फोन नम्बर ल्याउनुहोस्।",
                },
            },
            "official_letters": {
                "name": {
                    "ja": "役所などからの手紙",
                    "en": "Official letters",
                    "ne": "सरकारी कार्यालयका चिठी",
                },
                "hint": {
                    "ja": "手紙を写真に撮るか、持ってきてください。",
                    "en": "Take a photo of the letter or bring it with you.",
                    "ne": "चिठीको फोटो खिच्नुहोस् वा साथमा ल्याउनुहोस्।",
                },
            },
            "resident_registration": {
                "name": {
                    "ja": "住民登録・住所の届け出",
                    "en": "Resident registration",
                    "ne": "बसोबास दर्ता (ठेगाना दर्ता)",
                },
                "hint": {
                    "ja": "在留カード、パスポート、新しい住所が分かるものを用意してください。",
                    "en": "Bring your residence card, passport and your new address.",
                    "ne": "रेसिडेन्स कार्ड, राहदानी र नयाँ ठेगाना ल्याउनुहोस्।",
                },
            },
        },
    },
}

# (romanised code as in the evaluation data, Japanese name, Nepali name), north to south.
PREFECTURES: list[tuple[str, str, str]] = [
    ("Hokkaido", "北海道", "होक्काइडो"),
    ("Aomori", "青森県", "आओमोरी"),
    ("Iwate", "岩手県", "इवाते"),
    ("Miyagi", "宮城県", "मियागी"),
    ("Akita", "秋田県", "आकिता"),
    ("Yamagata", "山形県", "यामागाता"),
    ("Fukushima", "福島県", "फुकुशिमा"),
    ("Ibaraki", "茨城県", "इबाराकी"),
    ("Tochigi", "栃木県", "तोचिगी"),
    ("Gunma", "群馬県", "गुन्मा"),
    ("Saitama", "埼玉県", "साइतामा"),
    ("Chiba", "千葉県", "चिबा"),
    ("Tokyo", "東京都", "टोकियो"),
    ("Kanagawa", "神奈川県", "कानागावा"),
    ("Niigata", "新潟県", "निइगाता"),
    ("Toyama", "富山県", "तोयामा"),
    ("Ishikawa", "石川県", "इशिकावा"),
    ("Fukui", "福井県", "फुकुई"),
    ("Yamanashi", "山梨県", "यामानाशी"),
    ("Nagano", "長野県", "नागानो"),
    ("Gifu", "岐阜県", "गिफु"),
    ("Shizuoka", "静岡県", "शिजुओका"),
    ("Aichi", "愛知県", "आइची"),
    ("Mie", "三重県", "मिए"),
    ("Shiga", "滋賀県", "शिगा"),
    ("Kyoto", "京都府", "क्योतो"),
    ("Osaka", "大阪府", "ओसाका"),
    ("Hyogo", "兵庫県", "ह्योगो"),
    ("Nara", "奈良県", "नारा"),
    ("Wakayama", "和歌山県", "वाकायामा"),
    ("Tottori", "鳥取県", "तोत्तोरी"),
    ("Shimane", "島根県", "शिमाने"),
    ("Okayama", "岡山県", "ओकायामा"),
    ("Hiroshima", "広島県", "हिरोशिमा"),
    ("Yamaguchi", "山口県", "यामागुची"),
    ("Tokushima", "徳島県", "तोकुशिमा"),
    ("Kagawa", "香川県", "कागावा"),
    ("Ehime", "愛媛県", "एहिमे"),
    ("Kochi", "高知県", "कोची"),
    ("Fukuoka", "福岡県", "फुकुओका"),
    ("Saga", "佐賀県", "सागा"),
    ("Nagasaki", "長崎県", "नागासाकी"),
    ("Kumamoto", "熊本県", "कुमामोतो"),
    ("Oita", "大分県", "ओइता"),
    ("Miyazaki", "宮崎県", "मियाजाकी"),
    ("Kagoshima", "鹿児島県", "कागोशिमा"),
    ("Okinawa", "沖縄県", "ओकिनावा"),
]

PREFECTURE_CODES: list[str] = [code for code, _ja, _ne in PREFECTURES]

LANGUAGE_CODES = ("ja", "en", "ne")


def topic_names(topic_code: str) -> Text | None:
    """The ja/en/ne names of a topic, or None for an unknown code."""
    for category in CATEGORIES.values():
        spec = category["topics"].get(topic_code)
        if spec is not None:
            return spec["name"]
    return None


def category_of_topic(topic_code: str) -> str | None:
    for code, category in CATEGORIES.items():
        if topic_code in category["topics"]:
            return code
    return None


def sync_taxonomy(category_model: type[Category], topic_model: type[Topic]) -> None:
    """Create or update the categories and topics (the data migration; tests after a flush).

    The data migration passes the historical versions of the two models.
    """
    for position, (code, spec) in enumerate(CATEGORIES.items()):
        category, _created = category_model.objects.update_or_create(
            code=code,
            defaults={
                "position": position,
                "name": spec["name"]["ja"],
                **{f"name_{lang}": text for lang, text in spec["name"].items()},
                "description": spec["description"]["ja"],
                **{f"description_{lang}": text for lang, text in spec["description"].items()},
            },
        )
        for topic_position, (topic_code, topic) in enumerate(spec["topics"].items()):
            topic_model.objects.update_or_create(
                code=topic_code,
                defaults={
                    "category": category,
                    "position": topic_position,
                    "name": topic["name"]["ja"],
                    **{f"name_{lang}": text for lang, text in topic["name"].items()},
                    "hint": topic["hint"]["ja"],
                    **{f"hint_{lang}": text for lang, text in topic["hint"].items()},
                },
            )
