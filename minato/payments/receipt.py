"""The receipt (領収書) of a paid payment as an A4 PDF: the ward's name, the receipt number,
the date with its 和暦, the amount, what it was for, how it was paid and any refunds.

Set in reportlab's built-in CID font HeiseiKakuGo-W5 (no font file, nothing downloaded).
Everything that came from outside goes through ``escape`` before reaching Paragraph markup.
"""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from minato.core.wareki import to_wareki
from minato.payments.models import Payment, Refund

FONT = "HeiseiKakuGo-W5"


@cache
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _style(size: float, **extra: object) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}", fontName=FONT, fontSize=size, leading=size * 1.5, wordWrap="CJK", **extra
    )


def _p(text: object, size: float = 10, **extra: object) -> Paragraph:
    return Paragraph(escape(str(text)), _style(size, **extra))


def _bilingual(japanese: str, translated: str, language: str) -> str:
    """A receipt's labels are Japanese (it is a Japanese document), with the reader's
    language beside them when that is not Japanese."""
    return japanese if language == "ja" else f"{japanese} / {translated}"


def receipt_pdf(payment: Payment, *, language: str = "ja") -> bytes:
    """The receipt; only for a succeeded payment (the caller checks)."""
    _register_font()
    paid_at = timezone.localtime(payment.succeeded_at or payment.updated_at)
    municipality = settings.MUNICIPALITY_NAME["ja"]
    with translation.override(language):
        method = str(payment.get_method_display() or "")
        channel = str(payment.get_channel_display())
        rows = [
            (_bilingual("領収番号", _("Receipt number"), language), payment.reference),
            (
                _bilingual("領収日", _("Date paid"), language),
                f"{to_wareki(paid_at.date())}（{paid_at:%Y-%m-%d %H:%M}）",
            ),
            (_bilingual("但し", _("For"), language), payment.description),
            (
                _bilingual("歳入科目", _("Revenue account"), language),
                f"{payment.account_code} {payment.account_name}".strip(),
            ),
            (_bilingual("お支払い方法", _("Paid by"), language), f"{channel} {method}".strip()),
            (
                _bilingual("取引番号", _("Transaction"), language),
                payment.provider_transaction_id or "–",
            ),
        ]
        refunds = [r for r in payment.refunds.all() if r.status == Refund.Status.SUCCEEDED]
        for refund in refunds:
            when = timezone.localtime(refund.succeeded_at or refund.updated_at)
            rows.append(
                (
                    _bilingual("返金", _("Refunded"), language),
                    f"{refund.amount_yen:,}円 {to_wareki(when.date())}",
                )
            )
        table = Table([[_p(k, 9), _p(v)] for k, v in rows], colWidths=[55 * mm, None])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        payer = ""
        if payment.payer is not None:
            profile = getattr(payment.payer, "profile", None)
            payer = (getattr(profile, "full_name", "") or payment.payer.email) + " 様"
        story = [
            _p("領収書", 22, alignment=1, spaceAfter=2 * mm),
            _p(_("Receipt") if language != "ja" else "", 11, alignment=1, spaceAfter=6 * mm),
            _p(payer, 13, spaceAfter=6 * mm),
            _p(f"金額　￥{payment.amount_yen:,}－", 20, alignment=1, spaceAfter=2 * mm),
            _p("上記の金額を正に領収いたしました。", 10, alignment=1, spaceAfter=8 * mm),
            table,
            Spacer(1, 12 * mm),
            _p(f"東京都{municipality}", 12, alignment=2),
            _p(f"{municipality}長", 12, alignment=2),
        ]
        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=f"領収書 {payment.reference}",
            author=municipality,
            creator=municipality,
            subject="",
            keywords="",
            lang=language,
        ).build(story)
    return buffer.getvalue()
