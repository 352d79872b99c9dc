"""Masking personal data in residents' free text before analysis and publication.

A voice's text may carry the writer's or someone else's name, phone number, e-mail address,
street address or a 12-digit number (マイナンバー). ``mask`` replaces each with a bracketed
marker (〔氏名〕, 〔電話番号〕…). Structured data is found by patterns; names by SudachiPy's
part of speech (名詞-固有名詞-人名) and by the honorifics and phrases that follow or precede a
name (さん, 様, 氏, 「名前は…」), because the bundled dictionary does not know every name.

The recall is measured, not assumed: ``data/pii_testset.jsonl`` holds Japanese sentences
written for the project with every personal datum labelled, and ``evaluate`` reports recall
and precision per kind (tests hold recall at the figures in docs/modules/insight.md).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from minato.core.search_text import tokenizer

TESTSET_PATH = Path(__file__).resolve().parent / "data" / "pii_testset.jsonl"

REPLACEMENTS = {
    "name": "〔氏名〕",
    "phone": "〔電話番号〕",
    "email": "〔メール〕",
    "address": "〔住所〕",
    "number": "〔番号〕",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# 03-1234-5678, 090-1234-5678, (03)1234-5678, 0312345678, +81 3 1234 5678.
_PHONE = re.compile(
    r"(?<![0-9])(?:\+81[ \-]?[0-9]{1,4}|\(?0[0-9]{1,4}\)?)[ \-]?[0-9]{1,4}[ \-]?[0-9]{3,4}(?![0-9])"
)
# 12-digit numbers (マイナンバー) with or without separators, and any other run of 7+ digits
# (account, card or insurance numbers).
_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}|[0-9]{7,})(?![0-9])")
_KANJI_NUMERAL = "一二三四五六七八九十〇"
# Street addresses: an optional prefecture/ward/town, then a block number written with
# 丁目/番/号 or as 1-2-3. A town name alone (芝公園, 六本木) is not personal and stays.
# A number starts only where a run of digits starts, and is taken whole (possessive): a long
# run of numerals is then scanned once, not once per position (which took 0.2 s for 2,000).
_NUMERAL_RUN = rf"(?<![0-9{_KANJI_NUMERAL}])[0-9{_KANJI_NUMERAL}]++"
_ADDRESS = re.compile(
    r"(?:〒?[0-9]{3}-[0-9]{4}\s*)?"
    r"(?:東京都)?(?:[一-龥]{1,3}区)?"
    r"[一-龥ヶノ]{1,8}?"
    rf"(?:{_NUMERAL_RUN}丁目)?"
    rf"{_NUMERAL_RUN}(?:番地?|-)[0-9{_KANJI_NUMERAL}]++(?:号|-[0-9]++)?"
    r"(?:[ 　]?[A-Za-zァ-ヶー一-龥]{1,12}[0-9]{2,4}号?室?)?"
)
_POSTAL = re.compile(r"〒\s?[0-9]{3}-?[0-9]{4}")
_HONORIFIC = re.compile(r"^(?:さん|様|さま|氏|くん|君|ちゃん|先生|議員|課長|係長|部長)")
# Phrases after which a name follows: 「名前は」「氏名：」「担当の」「私、」.
# The phrases before a name and the name after them; a word that is a role, not a name
# (区役所, 担当…), is left alone.
_NAME_AFTER_LEAD = re.compile(
    r"(?:名前は|名前:|氏名:|氏名は|担当の|担当者の|私は|私、)[ 　]*"
    r"(?!区役所|区民|担当|窓口|職員|住民|子ども|高齢)"
    r"([一-龥々ァ-ヶー]{2,4}(?:[ 　][一-龥々ァ-ヶー]{1,4})?)"
)
# A foreign name in katakana with middle dots (グエン・ヴァン・アン).
_DOTTED_KATAKANA = re.compile(r"[ァ-ヶー]+(?:・[ァ-ヶー]+)+")
_NAME_CHARS = re.compile(r"^[一-龥々ァ-ヶーぁ-ん]{1,6}$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def normalise(text: str) -> str:
    """NFKC (full-width digits and Latin to ASCII), keeping line breaks."""
    return unicodedata.normalize("NFKC", text or "").replace("\r\n", "\n").strip()


def find(text: str) -> list[Span]:
    """Personal data in ``text`` (already normalised), as non-overlapping spans."""
    spans: list[Span] = []
    for kind, pattern in (
        ("email", _EMAIL),
        ("address", _ADDRESS),
        ("address", _POSTAL),
        ("number", _NUMBER),
        ("phone", _PHONE),
    ):
        spans.extend(Span(m.start(), m.end(), kind) for m in pattern.finditer(text))
    spans.extend(_joined_foreign_names(text, list(_names(text))))
    return _merge(spans)


def _joined_foreign_names(text: str, names: list[Span]) -> list[Span]:
    # Foreign names are written in katakana with middle dots (グエン・ヴァン・アン): a name
    # found in one part covers the whole dotted run.
    runs = list(_DOTTED_KATAKANA.finditer(text)) if names else []
    out = []
    for span in names:
        start, end = span.start, span.end
        for match in runs:
            if match.start() <= start < match.end() or match.start() < end <= match.end():
                start, end = min(start, match.start()), max(end, match.end())
        out.append(Span(start, end, span.kind))
    return out


def _names(text: str) -> Iterable[Span]:
    morphemes = list(tokenizer().tokenize(text)) if text else []
    index = 0
    while index < len(morphemes):
        morpheme = morphemes[index]
        pos = morpheme.part_of_speech()
        start, end = morpheme.begin(), morpheme.end()
        is_person = pos[1] == "固有名詞" and pos[2] == "人名"
        if is_person:
            # A family name and a given name are two morphemes: take the run.
            while index + 1 < len(morphemes):
                following = morphemes[index + 1].part_of_speech()
                if following[1] == "固有名詞" and following[2] in ("人名", "一般"):
                    index += 1
                    end = morphemes[index].end()
                else:
                    break
            yield Span(start, end, "name")
        elif (
            pos[0] == "名詞" and _HONORIFIC.match(text[end:]) and _plausible_name(text, start, end)
        ):
            # An unknown word before さん/様 is taken as a name, with the word before it when
            # that is a name part too (山田 太郎さん).
            if index > 0 and _name_part(morphemes[index - 1]):
                start = morphemes[index - 1].begin()
            yield Span(start, end, "name")
        index += 1
    for match in _NAME_AFTER_LEAD.finditer(text):
        yield Span(match.start(1), match.end(1), "name")


def _plausible_name(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    return bool(_NAME_CHARS.match(word)) and word not in _NOT_NAMES


def _name_part(morpheme) -> bool:  # type: ignore[no-untyped-def]
    pos = morpheme.part_of_speech()
    return pos[1] == "固有名詞" or (
        pos[0] == "名詞"
        and bool(_NAME_CHARS.match(morpheme.surface()))
        and len(morpheme.surface()) <= 3
        and morpheme.surface() not in _NOT_NAMES
    )


# Words that precede さん/様 without being a name.
_NOT_NAMES = frozenset(
    [
        "皆",
        "皆様",
        "みなさん",
        "皆さん",
        "お客",
        "お客様",
        "利用者",
        "区民",
        "住民",
        "職員",
        "担当",
        "お子",
        "子ども",
        "お年寄り",
        "高齢者",
        "近所",
        "隣",
        "お隣",
        "大家",
        "店員",
        "運転手",
        "業者",
        "保育士",
        "看護師",
        "医者",
        "先生",
        "親御",
        "ご家族",
        "家族",
        "ママ",
        "パパ",
        "区長",
        "議員",
        "おばあ",
        "おじい",
        "奥",
        "お母",
        "お父",
        "患者",
        "方",
        "人",
        "者",
        "私",
        "自分",
    ]
)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, last.kind)
            continue
        merged.append(span)
    return merged


def mask(text: str) -> str:
    """``text`` normalised, with every personal datum replaced by its bracketed marker."""
    text = normalise(text)
    out: list[str] = []
    cursor = 0
    for span in find(text):
        out.append(text[cursor : span.start])
        out.append(REPLACEMENTS[span.kind])
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


# --- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindScore:
    kind: str
    labelled: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0


@dataclass(frozen=True)
class Evaluation:
    sentences: int
    by_kind: list[KindScore]
    masked_chars: int
    wrongly_masked_chars: int

    @property
    def recall(self) -> float:
        labelled = sum(k.labelled for k in self.by_kind)
        return sum(k.found for k in self.by_kind) / labelled if labelled else 1.0

    @property
    def precision(self) -> float:
        if not self.masked_chars:
            return 1.0
        return 1 - self.wrongly_masked_chars / self.masked_chars


_LABEL = re.compile(r"\[\[(name|phone|email|address|number):(.+?)\]\]")


def parse_labelled(line: str) -> tuple[str, list[Span]]:
    """A test sentence written as 「[[name:山田太郎]]さんに…」: its text and labelled spans."""
    text, spans, cursor = [], [], 0
    length = 0
    for match in _LABEL.finditer(line):
        before = line[cursor : match.start()]
        text.append(before)
        length += len(before)
        value = match.group(2)
        spans.append(Span(length, length + len(value), match.group(1)))
        text.append(value)
        length += len(value)
        cursor = match.end()
    text.append(line[cursor:])
    return "".join(text), spans


def evaluate(lines: Iterable[str] | None = None) -> Evaluation:
    """Recall (a labelled datum counts when every character of it is masked) and precision
    (the share of masked characters that are labelled) over the shipped test set."""
    if lines is None:
        lines = [
            json.loads(raw)["text"]
            for raw in TESTSET_PATH.read_text(encoding="utf-8").splitlines()
            if raw.strip()
        ]
    labelled: dict[str, int] = {}
    found: dict[str, int] = {}
    sentences = masked_chars = wrong = 0
    for line in lines:
        sentences += 1
        text, truth = parse_labelled(normalise(line))
        covered: set[int] = set()
        for span in find(text):
            covered.update(range(span.start, span.end))
        truth_chars = {i for span in truth for i in range(span.start, span.end)}
        masked_chars += len(covered)
        wrong += len(covered - truth_chars)
        for span in truth:
            labelled[span.kind] = labelled.get(span.kind, 0) + 1
            if all(i in covered for i in range(span.start, span.end)):
                found[span.kind] = found.get(span.kind, 0) + 1
    return Evaluation(
        sentences=sentences,
        by_kind=[KindScore(k, labelled[k], found.get(k, 0)) for k in sorted(labelled)],
        masked_chars=masked_chars,
        wrongly_masked_chars=wrong,
    )
