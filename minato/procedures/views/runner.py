"""One runner for a form's pages: the resident's application and the form builder's preview.

Both show the same templates and go through the same steps (a page with its buttons, the
exit pages, "check your answers"); only where the answers are kept and where the links go
differ, and that is all a ``FormRun`` says. So the preview cannot drift from what residents
see: a button that works for one works for the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from minato.core import uploads
from minato.core.translated import localized
from minato.core.uploads import CheckedFile, UploadRefused
from minato.procedures.forms.answers import (
    PageForm,
    apply_group_action,
    fill_address,
    initial_for,
    is_unanswered,
    raw_initial,
    route,
)
from minato.procedures.forms.display import answer_rows
from minato.procedures.forms.fees import fee_lines, fee_total
from minato.procedures.forms.schema import FormDefinition, Page, next_page_id
from minato.procedures.models import Procedure


class FormRun(Protocol):
    """Where one run through a form keeps its answers, and where its links go."""

    procedure: Procedure
    definition: FormDefinition
    answers: dict[str, Any]
    # The resident's run keeps to the route (no page further on by URL); the preview lets
    # staff open any page of the working copy.
    keeps_to_route: bool
    # The preview shows a banner and submits nothing.
    is_preview: bool

    def file_names(self) -> dict[str, str]: ...

    def store_file(self, question_id: str, checked: CheckedFile) -> str:
        """Keep an uploaded file; returns what the answer records for it."""
        ...

    def save(self, answers: dict[str, Any]) -> None: ...

    def page_url(self, page_id: str) -> str: ...

    def exit_url(self, exit_id: str) -> str: ...

    def check_url(self) -> str: ...

    def start_url(self) -> str:
        """Where 「戻る」 on the first page goes: the page the run was started from."""
        ...

    def saved_for_later(self, request: HttpRequest, page_id: str) -> HttpResponse:
        """ "Save and come back later" was pressed on a page (its answers are saved)."""
        ...


@dataclass(frozen=True)
class Progress:
    """Where a run is: the pages on its route so far, the first one still needing an
    answer, and the exit the answers lead to."""

    pages: list[Page]
    incomplete: Page | None
    exit_id: str | None

    @property
    def reachable(self) -> list[str]:
        """Pages that may be opened: every page up to the first one still unanswered."""
        end = self.pages.index(self.incomplete) + 1 if self.incomplete else len(self.pages)
        return [page.id for page in self.pages[:end]]


def progress(definition: FormDefinition, answers: dict[str, Any]) -> Progress:
    pages, exit_id = route(definition, answers)
    for page in pages:
        for question in page.questions:
            if (
                question.required
                and question.shown(answers)
                and is_unanswered(question, answers.get(question.id))
            ):
                return Progress(pages, page, None)
    return Progress(pages, None, exit_id)


def resume(run: FormRun) -> HttpResponse:
    """Go to where the run stands: its first unanswered page, its exit, or the check page."""
    state = progress(run.definition, run.answers)
    if state.incomplete is not None:
        return redirect(run.page_url(state.incomplete.id))
    if state.exit_id is not None:
        return redirect(run.exit_url(state.exit_id))
    return redirect(run.check_url())


def _back_url(run: FormRun, pages: list[Page], current: Page, *, changing: bool) -> str:
    """「戻る」: the page before this one on the route (the check page when an answer is
    being changed from there; the start page before the first page)."""
    if changing:
        return run.check_url()
    ids = [page.id for page in pages]
    if current.id in ids and ids.index(current.id) > 0:
        return run.page_url(ids[ids.index(current.id) - 1])
    return run.start_url()


def page(request: HttpRequest, run: FormRun, page_id: str) -> HttpResponse:
    """One page of the form: show it, handle its buttons, save it and go on."""
    definition = run.definition
    state = progress(definition, run.answers)
    current = definition.page(page_id)
    if current is None or (run.keeps_to_route and page_id not in state.reachable):
        # A page the answers skip, or one further than the applicant has got: not by URL.
        return resume(run)
    changing = bool(request.GET.get("change"))
    form_kwargs: dict[str, Any] = {
        "page": current,
        "language": request.LANGUAGE_CODE,
        "answers": run.answers,
        "attachment_names": (
            run.file_names() if any(q.type == "file" for q in current.questions) else {}
        ),
    }
    add, remove = request.POST.get("add_item", ""), request.POST.get("remove_item", "")
    find = request.POST.get("find_address", "")
    refused = _upload_refusal(request)
    redisplay = request.method == "POST" and bool(add or remove or find or refused)
    if refused:
        messages.error(request, refused)
    if redisplay:
        # "Add another", "Remove" and "Find address" show the page again, keeping what was
        # typed, without checking or saving it yet.
        typed = {**initial_for(current, run.answers), **raw_initial(current, request.POST)}
        apply_group_action(current, typed, add, remove)
        if find and not fill_address(current, typed, find):
            messages.error(request, _("No address was found for this postal code."))
        form = PageForm(initial=typed, **form_kwargs)
    else:
        form = PageForm(
            request.POST or None,
            request.FILES or None,
            initial=initial_for(current, run.answers),
            **form_kwargs,
        )
    if request.method == "POST" and not redisplay and form.is_valid():
        answers = form.answers()
        try:
            for question_id, value in answers.items():
                if isinstance(value, CheckedFile):
                    answers[question_id] = run.store_file(question_id, value)
        except UploadRefused as exc:  # over the person's quota of stored files
            form.add_error(None, exc.message)
            return _show(request, run, state, current, form, changing=changing)
        run.save(answers)
        if "save_and_exit" in request.POST:
            return run.saved_for_later(request, current.id)
        target = next_page_id(current, {**run.answers, **answers})
        if target is not None and definition.exit(target) is not None:
            return redirect(run.exit_url(target))
        if target is None or definition.page(target) is None or changing:
            return resume(run)
        return redirect(run.page_url(target))
    return _show(request, run, state, current, form, changing=changing)


def _upload_refusal(request: HttpRequest) -> str:
    """Files count against the person's upload rate before they are decoded; past it, the
    page is shown again (what was typed kept) with the reason, and no file is read."""
    if request.method != "POST" or not request.FILES:
        return ""
    try:
        uploads.check_rate(request)
    except UploadRefused as exc:
        return str(exc.message)
    return ""


def _show(
    request: HttpRequest,
    run: FormRun,
    state: Progress,
    current: Page,
    form: PageForm,
    *,
    changing: bool,
) -> HttpResponse:
    pages = state.pages if current in state.pages else run.definition.pages
    return render(
        request,
        "procedures/portal/page.html",
        {
            "run": run,
            "procedure": run.procedure,
            "page": current,
            "form": form,
            "position": pages.index(current) + 1,
            # The route can still change with later answers; this is its length so far.
            "total": len(pages),
            "back_url": _back_url(run, pages, current, changing=changing),
            "title": localized(current.title.model_dump(by_alias=True)),
        },
    )


def exit_page(request: HttpRequest, run: FormRun, exit_id: str) -> HttpResponse | None:
    """An exit page ("this procedure is not for you"); None when there is no such exit."""
    exit_ = run.definition.exit(exit_id)
    if exit_ is None:
        return None
    pages, _exit = route(run.definition, run.answers)
    return render(
        request,
        "procedures/portal/exit.html",
        {
            "run": run,
            "procedure": run.procedure,
            "title": localized(exit_.title.model_dump(by_alias=True)),
            "body": localized(exit_.body.model_dump(by_alias=True)),
            "back_url": run.page_url(pages[-1].id),
        },
    )


def check_context(request: HttpRequest, run: FormRun) -> dict[str, Any]:
    """What "check your answers" shows: every answer on the route with a link to change it,
    the fees, and the declaration."""
    pages, _exit = route(run.definition, run.answers)
    lines = fee_lines(run.definition, pages, run.answers, request.LANGUAGE_CODE)
    return {
        "run": run,
        "procedure": run.procedure,
        "rows": [
            (row, run.page_url(row.page_id) + "?change=1")
            for row in answer_rows(
                run.definition, pages, run.answers, request.LANGUAGE_CODE, run.file_names()
            )
        ],
        "fee_lines": lines,
        "fee_total": fee_total(lines),
        "declaration": localized(run.definition.declaration.model_dump(by_alias=True)),
        "back_url": run.page_url(pages[-1].id),
    }
