"""Applications exported for Excel and other systems: CSV (UTF-8 with a BOM, or Shift_JIS)
and JSON, from the staff console and from ``GET /api/v1/staff/applications/export``.

Each record has the status as its code and as its Japanese label. Answers are flattened to
text the way people read them (``display.format_answer``): a name is "family given（kana）",
a date carries its 和暦, a file is its file name. A repeatable group gives one column per item
(``items.1``, ``items.2``, …) holding "question: answer / …", as on the application page.
Columns keep the question ids as their names.

An export is a bulk read of residents' records: every one is audited, with the filters, the
format and the number of applications, never their contents.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone, translation

from minato.core import audit
from minato.core.spreadsheets import cell
from minato.core.translated import localized
from minato.procedures.applications.selectors import definition_of
from minato.procedures.forms.answers import route
from minato.procedures.forms.display import format_answer
from minato.procedures.forms.schema import FormDefinition
from minato.procedures.models import Application, status_label

FORMATS = ("csv", "sjis", "json")


def _plain_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters as the audit log can store them: model instances by primary key,
    dates as ISO text; empty ones left out."""
    plain: dict[str, Any] = {}
    for name, value in filters.items():
        if value in ("", None, False):
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        plain[name] = value
    return plain


# The most applications one export holds; narrow the filters for more.
EXPORT_LIMIT = 10_000
COLUMNS = (
    "reference",
    "procedure",
    "procedure_name",
    "status",
    # The status as people read it (Japanese), beside its code for machines and filters.
    "status_label",
    "submitted_at",
    "due_date",
    "assignee",
)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str
    count: int
    truncated: bool

    def http_response(self) -> HttpResponse:
        """The file as a download no shared cache keeps; a cut list says so in a header."""
        response = HttpResponse(self.content, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        response["Cache-Control"] = "private, no-store"
        if self.truncated:
            response["X-Export-Truncated"] = "true"
        return response


def answer_columns(
    definition: FormDefinition,
    answers: dict[str, Any],
    language: str,
    attachment_names: dict[str, str],
) -> dict[str, str]:
    """One application's answers as {column: text}, in the order the form asks them."""
    pages, _exit = route(definition, answers)
    columns: dict[str, str] = {}
    for page in pages:
        for question in page.questions:
            if not question.shown(answers):
                continue
            value = answers.get(question.id)
            if question.type == "group":
                for number, item in enumerate(value or [], start=1):
                    item = item if isinstance(item, dict) else {}
                    columns[f"{question.id}.{number}"] = " / ".join(
                        f"{localized(child.label.model_dump(by_alias=True), language)}: "
                        f"{format_answer(child, item.get(child.id), language, {}) or '–'}"
                        for child in question.questions
                    )
                continue
            columns[question.id] = format_answer(question, value, language, attachment_names)
    return columns


def export_records(items: Iterable[Application], *, language: str = "ja") -> list[dict[str, Any]]:
    """The records of an export: the queue's columns, the answers as stored (``answers``)
    and as text (``answer_texts``)."""
    definitions: dict[int, FormDefinition] = {}
    records = []
    with translation.override(language):
        for application in items:
            if application.form_version_id not in definitions:
                definitions[application.form_version_id] = definition_of(application)
            files = {str(a.public_id): a.filename for a in application.attachments.all()}
            records.append(
                {
                    "reference": application.reference,
                    "procedure": application.procedure.slug,
                    "procedure_name": localized(application.procedure.name, language),
                    "status": application.status,
                    "status_label": status_label(application.status),
                    "submitted_at": timezone.localtime(application.submitted_at).isoformat()
                    if application.submitted_at
                    else "",
                    "due_date": application.due_date.isoformat() if application.due_date else "",
                    "assignee": application.assignee.email if application.assignee else "",
                    "answers": application.answers,
                    "answer_texts": answer_columns(
                        definitions[application.form_version_id],
                        application.answers,
                        language,
                        files,
                    ),
                }
            )
    return records


def _csv(records: list[dict[str, Any]]) -> str:
    answer_keys: list[str] = []
    seen: set[str] = set()
    for record in records:
        for key in record["answer_texts"]:
            if key not in seen:
                seen.add(key)
                answer_keys.append(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*COLUMNS, *answer_keys])
    for record in records:
        texts = record["answer_texts"]
        writer.writerow(
            [cell(record[c]) for c in COLUMNS] + [cell(texts.get(k, "")) for k in answer_keys]
        )
    return buffer.getvalue()


def encode(records: list[dict[str, Any]], fmt: str) -> tuple[bytes, str, str]:
    """(body, content type, file extension) of ``records`` in ``fmt`` (one of FORMATS)."""
    if fmt == "json":
        body = json.dumps(records, ensure_ascii=False, cls=DjangoJSONEncoder).encode("utf-8")
        return body, "application/json; charset=utf-8", "json"
    text = _csv(records)
    if fmt == "sjis":
        # Excel in Japanese opens Shift_JIS directly; characters outside it become "?".
        return text.encode("cp932", errors="replace"), "text/csv; charset=Shift_JIS", "csv"
    return "\ufeff".encode() + text.encode("utf-8"), "text/csv; charset=utf-8", "csv"


def applications_export(
    *,
    items: QuerySet[Application],
    fmt: str,
    filters: dict[str, Any],
    channel: str,
    limit: int | None = None,
) -> ExportFile:
    """Export the applications in ``items`` (already limited to what the caller may see)
    in ``fmt``, at most ``limit`` (EXPORT_LIMIT) of them, and audit the export."""
    limit = EXPORT_LIMIT if limit is None else limit
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    rows = list(
        items.select_related("procedure", "assignee", "form_version").prefetch_related(
            "attachments"
        )[: limit + 1]
    )
    truncated = len(rows) > limit
    rows = rows[:limit]
    body, content_type, extension = encode(export_records(rows), fmt)
    audit.record(
        action="procedures.applications_exported",
        object_type="procedures.application",
        changes={
            "format": [None, fmt],
            "count": [None, len(rows)],
            "filters": [None, _plain_filters(filters)],
            "channel": [None, channel],
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(
        content=body,
        content_type=content_type,
        filename=f"applications-{stamp}.{extension}",
        count=len(rows),
        truncated=truncated,
    )
