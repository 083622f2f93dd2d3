"""Split volunteer bios into clauses and spot clauses that say the volunteer lacks an experience.

A bio such as "I know our own enrolment well, but not the city's daycare points" names the topic
twice; only the first clause is experience. Splitting at sentence ends and at contrast words
("but", "が、", "तर") and flagging the clauses that carry a lack-of-experience cue lets the
ranker match the request against each clause and discount the ones that deny experience.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends in ja/en/ne. English needs a following space so "No. 3" or "e.g." rarely split.
_SENTENCE_END = re.compile(r"(?<=[。！？!?।॥])\s*|(?<=[.;])\s+|\n+")
# Contrast words that start a new clause; the word stays with the clause it introduces.
_CONTRAST = re.compile(
    r"(?:,\s*|\s+)(?=(?:but|though|although|however|except|whereas)\b)"
    r"|(?<=が、)|(?<=けど、)|(?<=けれど、)|(?<=けれども、)|(?<=ものの、)|(?<=一方、)"
    r"|(?:,\s*|\s+)(?=(?:तर|तापनि|तथापि)\s)",
    re.IGNORECASE,
)

# Cues that a clause denies or limits first-hand experience, or hands the work to someone else.
LACK_CUES: dict[str, tuple[str, ...]] = {
    "en": (
        r"\bnever\b",
        r"\bno (?:experience|idea|knowledge)\b",
        r"\b(?:don't|don’t|do not|didn't|didn’t|did not)\s+(?:really\s+)?(?:know|understand|handle|deal|cover|do)\b",
        r"\b(?:haven't|haven’t|have not|hasn't|has not)\b",
        r"\b(?:not|isn't|isn’t|is not|am not|I'm not|I’m not)\s+(?:really\s+)?"
        r"(?:my|familiar|sure|an? expert|experienced|specialised|specialized|involved|part of)\b",
        r"\bunfamiliar\b",
        r"\b(?:know|knows|knew)\s+(?:very\s+|quite\s+)?little\b",
        r"\bnot much\b",
        r"^\s*(?:but|though|although|except)\s+not\b",
        r"\bbut not\b",
        r"\b(?:can't|can’t|cannot|can not)\s+(?:help|advise)\s+(?:with|on)\b",
        r"\boutside (?:my|of my)\b",
        r"\b(?:send|refer|leave|passed?)\b[^.]{0,40}\b(?:straight\s+)?to (?:the|a|my|our)\b[^.]{0,30}\b"
        r"(?:office|desk|staff|company|colleague|specialist|accountant)s?\b",
    ),
    "ja": (
        r"経験[がはも]?(?:な|あり?ません)",
        r"(?:した|やった|行った|受けた|扱った|申し込んだ|書いた)こと[がはも](?:な|あり?ません)",
        r"ことがありません|ことはありません",
        r"知りません|知らな|分かりません|わかりません|分からな|わからな|分かっていません|わかっていません",
        r"詳しく(?:な|ありません)|詳しいわけでは",
        r"扱って(?:いません|いな|おりません)",
        r"(?:に|へ)(?:任せて|お願いして|まかせて)",
        r"専門(?:外|では(?:な|ありません))|専門ではない",
        r"自信が(?:な|ありません)|不得意|苦手",
        r"(?:が|で)(?:まとめて)?(?:やって|して)(?:います|くれ)",
    ),
    "ne": (
        r"कहिल्यै",
        r"थाहा\s*(?:छैन|भएन|हुँदैन)",
        r"अनुभव\s*(?:छैन|भएन|गरेको छैन)",
        r"जानकारी\s*(?:छैन|भएन)",
        r"[ेै](?:को|की|का)\s*छैन",
        r"खासै",
        r"जान्दिनँ?|बुझ्दिनँ?",
        r"गरिदिनुभयो|गरिदिन्थ्यो|भर्नुभएको थियो",
    ),
}

_LACK = re.compile("|".join(f"(?:{p})" for cues in LACK_CUES.values() for p in cues), re.IGNORECASE)

MIN_CLAUSE_CHARS = 6


@dataclass(frozen=True, slots=True)
class Clause:
    text: str
    lacks: bool  # the clause says the volunteer has not done / does not know this


def has_lack_cue(text: str) -> bool:
    return _LACK.search(text) is not None


def split_clauses(text: str) -> list[Clause]:
    """Clauses of a bio in reading order; very short fragments are merged into the previous one."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text or ""):
        for piece in _CONTRAST.split(sentence):
            piece = piece.strip()
            if not piece:
                continue
            if pieces and len(piece) < MIN_CLAUSE_CHARS:
                pieces[-1] = f"{pieces[-1]} {piece}"
            else:
                pieces.append(piece)
    return [Clause(piece, has_lack_cue(piece)) for piece in pieces]
