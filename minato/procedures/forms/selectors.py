"""Reads for forms: a procedure's current published version, what the builder lists, and
the form engine for modules whose forms are not procedures (surveys)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet

from minato.accounts import permissions
from minato.accounts.models import Department, Role
from minato.procedures.forms.answers import PageForm
from minato.procedures.forms.schema import FormDefinition, check_definition, parse_definition
from minato.procedures.models import FormVersion, HandoffEndpoint, Procedure


def current_form_of(slug: str) -> FormVersion | None:
    """The current form version of a published procedure, with its procedure in the same
    query — what applying through the API needs. ``version.procedure.has_active_handoff``
    says whether submitting must queue a hand-off, so it need not look one up."""
    version = (
        FormVersion.objects.filter(procedure__is_published=True, procedure__slug=slug[:80])
        .select_related("procedure__department")
        .annotate(
            has_active_handoff=Exists(
                HandoffEndpoint.objects.filter(procedure=OuterRef("procedure_id"), is_active=True)
            )
        )
        .order_by("-version")
        .first()
    )
    if version is not None:
        version.procedure.has_active_handoff = version.has_active_handoff  # type: ignore[attr-defined]
    return version


def current_form_version(procedure: Procedure) -> FormVersion | None:
    return procedure.form_versions.order_by("-version").first()


def can_build_forms(user: Any) -> bool:
    """Department admins (within their departments) and system admins; never clerks or
    supervisors."""
    return permissions.has_role(user, Role.DEPARTMENT_ADMIN)


def can_build(user: Any, procedure: Procedure) -> bool:
    return can_build_forms(user) and permissions.can_see_department(user, procedure.department_id)


def buildable_procedures(user: Any) -> QuerySet[Procedure]:
    """The procedures this person may edit, with their latest published version number."""
    procedures = Procedure.objects.select_related("department", "form_draft").annotate(
        latest_version=Max("form_versions__version")
    )
    visible = permissions.visible_department_ids(user)
    if visible is not None:
        procedures = procedures.filter(department_id__in=visible)
    return procedures.order_by("department__code", "slug")


def buildable_departments(user: Any) -> QuerySet[Department]:
    visible = permissions.visible_department_ids(user)
    departments = Department.objects.order_by("code")
    return departments if visible is None else departments.filter(pk__in=visible)


def published_versions(procedure: Procedure) -> QuerySet[FormVersion]:
    return procedure.form_versions.order_by("-version")


# --- The form engine for other modules -------------------------------------------------------
# Surveys (insight) are forms that are not procedures: they reuse the definition format, its
# checks and the page forms, through these functions, and keep their answers themselves.


def definition_checked(data: Any) -> FormDefinition:
    """A form definition checked as for publishing; ``DefinitionError`` lists the problems."""
    return check_definition(data)


def definition_of(data: Any) -> FormDefinition:
    """A stored definition, read as it is (checked when it was stored: a rule tightened
    since must not break a form already in use)."""
    return parse_definition(data)


def page_forms(definition: FormDefinition, *, data: Any = None, language: str) -> list[PageForm]:
    """One form per page of ``definition``, all shown together (a form without routes, as a
    survey is), bound to ``data`` when given; each page sees the earlier pages' answers."""
    forms: list[PageForm] = []
    answers: dict[str, Any] = {}
    for page in definition.pages:
        form = PageForm(data, page=page, language=language, answers=answers)
        if data is not None and form.is_valid():
            answers.update({k: v for k, v in form.answers().items() if v is not None})
        forms.append(form)
    return forms


def answers_of(forms: list[PageForm]) -> dict[str, Any] | None:
    """The answers of bound ``page_forms``, or None while any page has errors."""
    if not all(form.is_valid() for form in forms):
        return None
    answers: dict[str, Any] = {}
    for form in forms:
        answers.update({k: v for k, v in form.answers().items() if v is not None})
    return answers
