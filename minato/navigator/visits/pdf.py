"""A counter visit's forms on A4, one page per counter procedure, filled from the visit's
details for the resident to check and sign (書かない窓口). Same fonts as the application PDF
(reportlab's built-in Japanese CID fonts: nothing downloaded or shipped). Everything the
resident said goes through ``_text``: ``<`` and ``&`` are text, never markup. The document's
metadata names the visit code and the municipality only."""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from minato.core.translated import localized
from minato.navigator.models import Visit

GOTHIC = "HeiseiKakuGo-W5"
MINCHO = "HeiseiMin-W3"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))
    pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
    base = ParagraphStyle("body", fontName=MINCHO, fontSize=11, leading=16, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
        "title": ParagraphStyle("title", parent=base, fontName=GOTHIC, fontSize=16, leading=22),
        "label": ParagraphStyle("label", parent=base, fontName=GOTHIC, fontSize=10),
    }


def _para(value: Any, style: str) -> Paragraph:
    text = escape(_CONTROL.sub("", str(value))).replace("\n", "<br/>")
    return Paragraph(text, _styles()[style])


def _municipality() -> str:
    return localized(settings.MUNICIPALITY_NAME, "ja")


def visit_forms_pdf(*, visit: Visit, items: list[dict[str, Any]], labels: dict[str, str]) -> bytes:
    """``items`` are the checklist's counter items; ``labels`` name each detail in Japanese."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{_municipality()} {visit.code}",
        author=_municipality(),
    )
    story: list[Any] = []
    today = timezone.localdate().isoformat()
    for number, item in enumerate(items):
        if number:
            story.append(PageBreak())
        story += [
            _para(f"{_municipality()}　受付番号 {visit.code}", "small"),
            Spacer(0, 3 * mm),
            _para(localized(item["title"], "ja"), "title"),
            Spacer(0, 5 * mm),
        ]
        fields = item["uses"] or list(visit.details)
        rows = [
            [_para(labels.get(field, field), "label"), _para(visit.details.get(field, ""), "body")]
            for field in fields
        ]
        table = Table(rows, colWidths=[50 * mm, 124 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [
            table,
            Spacer(0, 8 * mm),
            _para("上記の内容に相違ありません。", "body"),
            Spacer(0, 4 * mm),
            _para(f"届出日　{today}", "body"),
            Spacer(0, 10 * mm),
            _para("署名　＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿", "body"),
        ]
    document.build(story)
    return buffer.getvalue()
