"""Demo campaigns for `make run`, after the organisation's public pages. Safe to run again.

Bank details here are EXAMPLE data: the real ones are content staff type in the admin.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from otonari.text import detect_language

from .models import (
    Campaign,
    CampaignStatus,
    Donation,
    DonationChannel,
    GivingMethod,
    GivingMethodKind,
    ImpactTier,
    SupportMessage,
)
from .selectors import progress_invalidate

OFP_SLUG = "ofp-new-initiative"
PARTNERS_SLUG = "jii-partners-monthly"


def _texts(field: str, ja: str, en: str, ne: str) -> dict[str, str]:
    return {f"{field}_ja": ja, f"{field}_en": en, f"{field}_ne": ne}


OFP_CAMPAIGN: dict[str, Any] = {
    **_texts(
        "title",
        "【OFP新規事業支援】地域の力で、意味あるつながりを",
        "OFP New Initiative: Harnessing the Power of Community to Build Meaningful Connections",
        "OFP नयाँ पहल: अर्थपूर्ण सम्बन्धका लागि समुदायको शक्ति",
    ),
    **_texts(
        "summary",
        "外国人住民の「いま困っている」に、地域のボランティアが一回ずつ寄り添う新しいプラットフォーム"
        "「スポットおとなりさん」の開発と運営にご支援ください。",
        "Help us build and run Spot Otonari-san, a new platform where local volunteers give "
        "foreign residents one-time help with the problems they face right now.",
        "विदेशी बासिन्दाहरूलाई अहिले परेका समस्यामा स्थानीय स्वयंसेवकले एक पटकको सहयोग दिने नयाँ "
        "प्लेटफर्म «स्पट ओतोनारी-सान» बनाउन र चलाउन सहयोग गर्नुहोस्।",
    ),
    **_texts(
        "story",
        "すぐ近くに暮らしていても、外国人住民と日本人住民の間には見えない壁があります。"
        "出産できる病院が見つからない、行政からの手紙が読めない、相談できる日本人がいない——。\n\n"
        "おとなりさんファミリーフレンドプログラム（OFP）は4年間で1,400件以上のつながりを生み、"
        "マッチングの成功率は90％に達しました。\n\n"
        "この経験を生かし、福祉・子育てと教育・医療・暮らしの手続きに絞って、必要なときに一回だけ"
        "手を貸せる「スポットおとなりさん」を立ち上げます。初期開発と運営、サーバー費用などに200万円が必要です。",
        "Even living side by side, foreign and Japanese residents are divided by invisible walls: "
        "no hospital willing to help with a birth, official letters no one can read, no Japanese "
        "person to ask.\n\n"
        "Over four years the Otonari-san Family Friend Program (OFP) has made more than 1,400 "
        "connections, with 90% of matches succeeding.\n\n"
        "Building on that experience we are launching Spot Otonari-san: one-time help with "
        "welfare, child-rearing and education, healthcare and the paperwork of daily life, "
        "whenever it is needed. Development, running costs and servers need 2 million yen.",
        "नजिकै बसे पनि विदेशी र जापानी बासिन्दाबीच नदेखिने पर्खाल छ: सुत्केरीमा सहयोग गर्ने अस्पताल "
        "नपाइनु, सरकारी चिठी पढ्न नसक्नु, सोध्ने जापानी साथी नहुनु।\n\n"
        "चार वर्षमा ओतोनारी-सान फ्यामिली फ्रेन्ड प्रोग्राम (OFP) ले १,४०० भन्दा बढी सम्बन्ध जोडेको छ, "
        "र ९०% मिलान सफल भएका छन्।\n\n"
        "यही अनुभवमा आधारित भएर हामी «स्पट ओतोनारी-सान» सुरु गर्दैछौं: कल्याण, बालबालिकाको हेरचाह र "
        "शिक्षा, स्वास्थ्य र दैनिक कागजी काममा चाहिएको बेला एक पटकको सहयोग। विकास, सञ्चालन र सर्भरका "
        "लागि २० लाख येन चाहिन्छ।",
    ),
    "goal_yen": 2_000_000,
    "status": CampaignStatus.LIVE,
    "position": 0,
}

OFP_TIERS = [
    (
        500_000,
        "ウェブ申込による短期の困りごと解決支援を始められます",
        "Start short-term problem-solving support through web applications",
        "वेबबाट आवेदन गरी छोटो अवधिका समस्या समाधान सहयोग सुरु गर्न सकिन्छ",
    ),
    (
        1_000_000,
        "年間170人に短期の困りごと解決支援を届けられます",
        "Short-term problem-solving support for 170 people a year",
        "वर्षमा १७० जनालाई छोटो अवधिको समस्या समाधान सहयोग",
    ),
    (
        1_500_000,
        "ITプラットフォームの設計費とサーバー構築費にあてられます",
        "Programming design and server set-up for the IT platform",
        "IT प्लेटफर्मको डिजाइन र सर्भर तयारी",
    ),
    (
        2_000_000,
        "ITプラットフォームを完成させ、1年間で300人を支援できます",
        "Complete the IT platform and support 300 people in one year",
        "IT प्लेटफर्म पूरा गरी एक वर्षमा ३०० जनालाई सहयोग",
    ),
]

PARTNERS_CAMPAIGN: dict[str, Any] = {
    **_texts(
        "title",
        "JIIパートナー（毎月の寄付）募集",
        "JII Partners: monthly supporters wanted",
        "JII पार्टनर: मासिक सहयोगी चाहियो",
    ),
    **_texts(
        "summary",
        "毎月のご支援が、対立ではなく「対話」から始まる社会を育てます。",
        "Your monthly support grows a society that starts with dialogue, not conflict.",
        "तपाईंको मासिक सहयोगले द्वन्द्व होइन, संवादबाट सुरु हुने समाज बनाउँछ।",
    ),
    **_texts(
        "story",
        "私たちの活動は、参加費（15％）と皆さまからの助成金・寄付（85％）で支えられています。"
        "継続的なご支援があるからこそ、「わかりあい」の輪を広げ続けられます。",
        "Our work is funded by participants' fees (15%) and by grants and gifts (85%). Steady "
        "monthly support is what lets the circle of shared understanding keep growing.",
        "हाम्रो काम सहभागी शुल्क (१५%) र अनुदान तथा दान (८५%) बाट चल्छ। नियमित मासिक सहयोगले "
        "आपसी बुझाइको घेरा बढिरहन सम्भव बनाउँछ।",
    ),
    "goal_yen": 600_000,
    "supporter_goal": 50,
    "status": CampaignStatus.LIVE,
    "position": 1,
}

PARTNERS_TIERS = [
    (
        10_000,
        "子どもの地域学習支援教室を1回開けます",
        "Holds one local learning class for children",
        "बालबालिकाका लागि एउटा स्थानीय सिकाइ कक्षा",
    ),
    (
        30_000,
        "外国人住民10人が日本人とつながる機会をつくれます",
        "Gives 10 foreign residents a chance to connect with Japanese neighbours",
        "१० जना विदेशी बासिन्दालाई जापानी छिमेकीसँग जोडिने अवसर",
    ),
    (
        100_000,
        "地域で多文化共生を学ぶ機会をつくれます",
        "Creates chances to learn about living together across cultures in the community",
        "समुदायमा बहुसांस्कृतिक सहअस्तित्व सिक्ने अवसर",
    ),
]

BANK_EXAMPLE = _texts(
    "body",
    "【例示データ：管理画面で実際の口座情報に置き換えてください】\n"
    "銀行名：サンプル銀行（金融機関コード 0000）\n"
    "支店名：本店（支店コード 000）\n"
    "口座種別：普通\n"
    "口座番号：0000000\n"
    "口座名義：トクヒ）サンプルダンタイ\n"
    "お振込みの後、お問い合わせフォームからご連絡いただけるとお礼をお送りできます。",
    "[EXAMPLE DATA: staff replace this with the real account in the admin]\n"
    "Bank: Sample Bank (bank code 0000)\n"
    "Branch: Head Office (branch code 000)\n"
    "Account type: Ordinary\n"
    "Account number: 0000000\n"
    "Account name: Sample Organisation\n"
    "After transferring, please tell us through the contact form so we can thank you.",
    "[उदाहरण डेटा: कर्मचारीले एडमिनमा वास्तविक खाताले बदल्नुहोस्]\n"
    "बैंक: नमुना बैंक (बैंक कोड 0000)\n"
    "शाखा: मुख्य शाखा (शाखा कोड 000)\n"
    "खाताको प्रकार: साधारण\n"
    "खाता नम्बर: 0000000\n"
    "खाताको नाम: नमुना संस्था\n"
    "रकम पठाएपछि धन्यवाद दिन सकौं भनेर सम्पर्क फारमबाट जानकारी दिनुहोस्।",
)

GIVING_METHODS: list[dict[str, Any]] = [
    {
        "kind": GivingMethodKind.PLATFORM,
        **_texts(
            "title", "Give One（税控除対象）", "Give One (tax-deductible)", "Give One (कर छुट)"
        ),
        **_texts(
            "body",
            "寄付金控除を受けたい方はこちらから。サイトは日本語のみです。",
            "For a tax deduction in Japan. The site is in Japanese only.",
            "जापानमा कर छुटका लागि। साइट जापानी भाषामा मात्र छ।",
        ),
        "url": "https://giveone.net/",
        "tax_deductible": True,
        "position": 0,
    },
    {
        "kind": GivingMethodKind.PLATFORM,
        **_texts(
            "title", "Benevity（税控除対象）", "Benevity (tax-deductible)", "Benevity (कर छुट)"
        ),
        **_texts(
            "body",
            "勤務先がBenevityを通じた寄付制度を持っている方はこちらから。",
            "If your employer offers giving through Benevity.",
            "तपाईंको कम्पनीले Benevity मार्फत दान गर्ने सुविधा दिएको छ भने।",
        ),
        "url": "https://causes.benevity.org/",
        "tax_deductible": True,
        "position": 1,
    },
    {
        "kind": GivingMethodKind.BANK_TRANSFER,
        **_texts("title", "銀行振込（例）", "Bank transfer (example)", "बैंक ट्रान्सफर (उदाहरण)"),
        **BANK_EXAMPLE,
        "url": "",
        "tax_deductible": False,
        "position": 2,
    },
]

# (reference, amount, days ago, channel, email, monthly)
OFP_DONATIONS: list[tuple[str, int, int, str, str, bool]] = [
    ("DEMO-OFP-001", 50_000, 28, DonationChannel.GIVE_ONE, "", False),
    ("DEMO-OFP-002", 30_000, 26, DonationChannel.BANK, "", False),
    ("DEMO-OFP-003", 10_000, 25, DonationChannel.BENEVITY, "donor1@example.com", False),
    ("DEMO-OFP-004", 10_000, 21, DonationChannel.GIVE_ONE, "donor2@example.com", False),
    ("DEMO-OFP-005", 5_000, 18, DonationChannel.BANK, "", False),
    ("DEMO-OFP-006", 20_000, 15, DonationChannel.GIVE_ONE, "donor3@example.com", False),
    ("DEMO-OFP-007", 100_000, 12, DonationChannel.BENEVITY, "donor4@example.com", False),
    ("DEMO-OFP-008", 3_000, 9, DonationChannel.CASH, "", False),
    ("DEMO-OFP-009", 2_000, 7, DonationChannel.CASH, "", False),
    ("DEMO-OFP-010", 30_000, 5, DonationChannel.BANK, "donor1@example.com", False),
    ("DEMO-OFP-011", 10_000, 3, DonationChannel.GIVE_ONE, "", False),
    ("DEMO-OFP-012", 30_000, 1, DonationChannel.GIVE_ONE, "donor5@example.com", False),
]
PARTNERS_DONATIONS: list[tuple[str, int, int, str, str, bool]] = [
    (f"DEMO-JP-{month}-{donor}", amount, 40 - 30 * month, DonationChannel.GIVE_ONE, email, True)
    for month in (0, 1)
    for donor, (amount, email) in enumerate(
        [
            (3_000, "partner1@example.com"),
            (1_000, "partner2@example.com"),
            (5_000, "partner3@example.com"),
            (2_000, "partner4@example.com"),
            (1_000, "partner5@example.com"),
            (3_000, "partner6@example.com"),
            (10_000, "partner7@example.com"),
        ]
    )
]

MESSAGES = {
    OFP_SLUG: [
        ("", "いつも地域や社会のためにありがとうございます。活動を応援しています！", True),
        ("Ken", "The Family Friend Program widened my world. Good luck reaching the goal!", True),
        ("", "जापानमा पहिलो पटक साथी पाएँ। धन्यवाद, ओतोनारी-सान!", True),
        ("", "まだ確認前のメッセージ（デモ用：管理画面で承認できます）", False),
    ],
    PARTNERS_SLUG: [
        ("", "小さな対話から社会は変わると信じています。毎月応援します。", True),
    ],
}


def _campaign(
    slug: str, fields: dict[str, Any], start: datetime.date, end: datetime.date | None
) -> Campaign:
    campaign, _created = Campaign.objects.get_or_create(
        slug=slug, defaults={**fields, "start_date": start, "end_date": end}
    )
    return campaign


def _content(campaign: Campaign, tiers: list[tuple[int, str, str, str]]) -> None:
    if not campaign.tiers.exists():
        for amount, ja, en, ne in tiers:
            ImpactTier.objects.create(
                campaign=campaign, amount_yen=amount, **_texts("description", ja, en, ne)
            )
    if not campaign.giving_methods.exists():
        for method in GIVING_METHODS:
            GivingMethod.objects.create(campaign=campaign, **method)


def _donations(campaign: Campaign, rows: list[tuple[str, int, int, str, str, bool]]) -> None:
    today = timezone.localdate()
    for reference, amount, days_ago, channel, email, monthly in rows:
        Donation.objects.get_or_create(
            channel=channel,
            external_reference=reference,
            defaults={
                "campaign": campaign,
                "amount_yen": amount,
                "date": today - datetime.timedelta(days=max(days_ago, 0)),
                "donor_email": email,
                "is_monthly": monthly,
            },
        )


def _messages(campaign: Campaign) -> None:
    now = timezone.now()
    for index, (name, body, approved) in enumerate(MESSAGES[campaign.slug]):
        SupportMessage.objects.get_or_create(
            campaign=campaign,
            body=body,
            defaults={
                "name": name,
                "language": detect_language(body),
                "approved": approved,
                "approved_at": now if approved else None,
                "created_at": now - datetime.timedelta(days=len(MESSAGES[campaign.slug]) - index),
            },
        )


def load_demo() -> list[Campaign]:
    """Create the demo campaigns with content, gifts and messages; existing rows are kept."""
    today = timezone.localdate()
    with transaction.atomic():
        ofp = _campaign(
            OFP_SLUG,
            OFP_CAMPAIGN,
            today - datetime.timedelta(days=30),
            today + datetime.timedelta(days=31),
        )
        partners = _campaign(
            PARTNERS_SLUG, PARTNERS_CAMPAIGN, today - datetime.timedelta(days=60), None
        )
        _content(ofp, OFP_TIERS)
        _content(partners, PARTNERS_TIERS)
        _donations(ofp, OFP_DONATIONS)
        _donations(partners, PARTNERS_DONATIONS)
        _messages(ofp)
        _messages(partners)
    progress_invalidate(ofp.pk, partners.pk)
    return [ofp, partners]
