"""An application as a PDF on A4: for the applicant to keep, and for staff to file or pass on.

The text is set in reportlab's built-in Japanese CID fonts (HeiseiKakuGo-W5 for headings,
HeiseiMin-W3 for answers). They need no font files: the PDF names the font and the reader
supplies it, so nothing is downloaded or shipped. The same rows as the web pages come from
``display.answer_rows``, so the paper and the screen say the same thing.

Everything an applicant typed goes through ``_text`` before it reaches reportlab's Paragraph
markup: ``<`` and ``&`` are text, never tags. The document's metadata carries the reference
and the municipality only, never the applicant's name or answers.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from minato.core import audit
from minato.core.translated import localized
from minato.core.wareki import to_wareki
from minato.procedures.applications.selectors import definition_of
from minato.procedures.forms.answers import route
from minato.procedures.forms.display import answer_rows
from minato.procedures.forms.fees import fee_lines, fee_total
from minato.procedures.models import Application

GOTHIC = "HeiseiKakuGo-W5"
MINCHO = "HeiseiMin-W3"
MARGIN = 18 * mm
# C0 control characters other than tab and newline: they mean nothing on paper.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))
    pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))


@cache
def _styles() -> dict[str, ParagraphStyle]:
    # wordWrap="CJK" breaks between any two characters: Japanese has no spaces, and a long
    # unbroken string (a URL, "aaaa…") must wrap instead of running off the page.
    base = ParagraphStyle("body", fontName=MINCHO, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "municipality": ParagraphStyle(
            "municipality", parent=base, fontName=GOTHIC, fontSize=11, leading=14
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=GOTHIC, fontSize=16, leading=22, spaceAfter=4 * mm
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=GOTHIC,
            fontSize=12,
            leading=16,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontName=GOTHIC, fontSize=9, leading=13, spaceBefore=2 * mm
        ),
        "answer": ParagraphStyle("answer", parent=base, leftIndent=4 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=13),
        "cell_label": ParagraphStyle("cell_label", parent=base, fontName=GOTHIC, fontSize=9),
    }


def _text(value: Any) -> str:
    """Plain text as Paragraph markup: escaped, with its line breaks kept."""
    text = _CONTROL.sub("", str(value))
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def _para(value: Any, style: str) -> Paragraph:
    return Paragraph(_text(value), _styles()[style])


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _date_with_wareki(day: Any) -> str:
    return f"{day.isoformat()}（{to_wareki(day)}）"


def _applicant(application: Application) -> str:
    user = application.applicant
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        profile = None
    name = profile.full_name if profile is not None else ""
    kana = (
        f"{profile.family_name_kana} {profile.given_name_kana}".strip()
        if profile is not None
        else ""
    )
    if kana:
        name = f"{name}（{kana}）"
    return f"{name} <{user.email}>" if name else user.email


def _summary(application: Application, *, for_staff: bool) -> Table:
    statuses = dict(Application.Status.choices)
    rows: list[tuple[str, str]] = [
        (_("Reference"), application.reference or ""),
        (_("Status"), str(statuses.get(application.status, application.status))),
    ]
    if application.submitted_at:
        submitted = _local(application.submitted_at)
        rows.append(
            (
                _("Submitted"),
                f"{submitted:%Y-%m-%d %H:%M}（{to_wareki(submitted.date())}）",
            )
        )
    rows.append(
        (_("Due"), _date_with_wareki(application.due_date) if application.due_date else "–")
    )
    if for_staff:
        rows.append((_("Applicant"), _applicant(application)))
        rows.append((_("Form version"), str(application.form_version.version)))
    table = Table(
        [[_para(label, "cell_label"), _para(value, "cell")] for label, value in rows],
        colWidths=[35 * mm, None],
    )
    table.setStyle(_GRID)
    return table


_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _answers(application: Application, language: str) -> list[Flowable]:
    definition = definition_of(application)
    pages, _exit = route(definition, application.answers)
    files = {str(a.public_id): a.filename for a in application.attachments.all()}
    flowables: list[Flowable] = [_para(_("Answers"), "heading")]
    # Label and answer as paragraphs, not table rows: a long textarea answer can run over
    # a page break, which a table row cannot.
    for row in answer_rows(definition, pages, application.answers, language, files):
        flowables.append(_para(row.label, "label"))
        flowables.append(_para(row.answer or "–", "answer"))
    lines = fee_lines(definition, pages, application.answers, language)
    if lines:
        yen = _("%(amount)s yen")
        data = [
            [
                _para(_("Item"), "cell_label"),
                _para(_("Unit fee"), "cell_label"),
                _para(_("Quantity"), "cell_label"),
                _para(_("Amount"), "cell_label"),
            ]
        ]
        data += [
            [
                _para(line.label, "cell"),
                _para(yen % {"amount": f"{line.unit_yen:,}"}, "cell"),
                _para(str(line.quantity), "cell"),
                _para(yen % {"amount": f"{line.amount_yen:,}"}, "cell"),
            ]
            for line in lines
        ]
        data.append(
            [
                _para(_("Total"), "cell_label"),
                "",
                "",
                _para(yen % {"amount": f"{fee_total(lines):,}"}, "cell_label"),
            ]
        )
        table = Table(data, colWidths=[None, 30 * mm, 20 * mm, 30 * mm], repeatRows=1)
        table.setStyle(_GRID)
        flowables += [_para(_("Fees"), "heading"), table]
    return flowables


def _timeline(application: Application) -> list[Flowable]:
    flowables: list[Flowable] = [_para(_("Timeline"), "heading")]
    for event in application.events.all():
        when = f"{_local(event.created_at):%Y-%m-%d %H:%M}"
        text = f"{when}　{event.from_label} → {event.to_label}"
        if event.message_text:
            text += f"\n{event.message_text}"
        flowables.append(_para(text, "body"))
    return flowables


def _paged_canvas(footer: str) -> type[Canvas]:
    """A canvas that writes "page n of m" and the footer once it knows m."""

    class PagedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(GOTHIC, 8)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, 10 * mm, footer)
                self.drawRightString(
                    A4[0] - MARGIN,
                    10 * mm,
                    _("Page %(page)d of %(pages)d") % {"page": self._pageNumber, "pages": total},
                )
                super().showPage()
            super().save()

    return PagedCanvas


def application_pdf(
    application: Application,
    *,
    language: str = "ja",
    for_staff: bool,
    printed_by: str = "",
) -> bytes:
    """The application (submitted; not a draft) as a PDF in ``language``.

    The staff copy adds the applicant, the form version and a footer with page numbers and
    who printed it when (``printed_by``)."""
    _register_fonts()
    with translation.override(language):
        municipality = settings.MUNICIPALITY_NAME.get(language, settings.MUNICIPALITY_NAME["ja"])
        story: list[Flowable] = [
            _para(municipality, "municipality"),
            _para(localized(application.procedure.name, language), "title"),
            _summary(application, for_staff=for_staff),
            *_answers(application, language),
            *_timeline(application),
            Spacer(1, 4 * mm),
        ]
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            # Metadata travels with a forwarded file: the reference and the municipality
            # only, never the applicant's name.
            title=application.reference or "",
            author=municipality,
            subject="",
            creator=municipality,
            keywords="",
            lang=language,
        )
        if for_staff:
            footer = _("Printed by %(name)s at %(time)s") % {
                "name": printed_by,
                "time": f"{timezone.localtime():%Y-%m-%d %H:%M}",
            }
            document.build(story, canvasmaker=_paged_canvas(footer))
        else:
            document.build(story)
    return buffer.getvalue()


@transaction.atomic
def application_printed(*, application: Application, staff: Any, language: str) -> bytes:
    """The staff copy of an application, audited as a read of a resident's record (the
    applicant sees it in "who has seen my records")."""
    content = application_pdf(
        application,
        language=language,
        for_staff=True,
        printed_by=staff.display_name or staff.email,
    )
    audit.record(
        action="procedures.application_printed",
        obj=application,
        subject_id=application.applicant_id,
        department_id=application.department_id,
        changes={"format": [None, "pdf"]},
    )
    return content


def http_response(content: bytes, reference: str | None) -> HttpResponse:
    """A PDF as a download that no shared cache keeps."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
