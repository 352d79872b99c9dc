"""The resident's application journey: start, one page at a time, check, submit, track.

Pages are reached only along the route the answers so far lead to: a page further on, or
one the answers skip, redirects to the first page still needing an answer.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minato.accounts.models import User
from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.procedures import payables
from minato.procedures.applications import attachments, guest, pdf
from minato.procedures.applications import selectors as application_selectors
from minato.procedures.applications import services as applications
from minato.procedures.applications.uploads import CheckedFile
from minato.procedures.catalogue import selectors as catalogue_selectors
from minato.procedures.forms import selectors as form_selectors
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
from minato.procedures.models import Application
from minato.procedures.views.files import attachment_response


def _is_applicant(user: Any) -> bool:
    return bool(user.is_authenticated and user.kind in (User.Kind.RESIDENT, User.Kind.GUEST))


def _resident_only(view: Any) -> Any:
    """Signed in as a resident, or as a guest applicant (see ``applications.guest``)."""

    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _is_applicant(request.user):
            raise Http404  # staff work on applications in the console
        return view(request, *args, **kwargs)

    return wrapper


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk)  # type: ignore[arg-type]


def _draft(request: HttpRequest, public_id: Any) -> Application:
    draft = application_selectors.own_draft(public_id=public_id, applicant_id=_user_id(request))
    if draft is None:
        raise Http404
    return draft


def _first_incomplete(
    definition: FormDefinition, answers: dict[str, Any]
) -> tuple[list[Page], Page | None, str | None]:
    """The route so far, the first page on it with a required question unanswered (None if
    all are answered), and the exit the answers lead to, if any."""
    pages, exit_id = route(definition, answers)
    for page in pages:
        for question in page.questions:
            if (
                question.required
                and question.shown(answers)
                and is_unanswered(question, answers.get(question.id))
            ):
                return pages, page, None
    return pages, None, exit_id


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = get_object_or_404(catalogue_selectors.published_procedures(), slug=slug)
    form_version = form_selectors.current_form_version(procedure)
    if form_version is None or procedure.availability != procedure.Availability.ONLINE:
        raise Http404
    user = request.user
    if not user.is_authenticated and not procedure.allows_guest:
        return redirect_to_login(request.get_full_path())
    if user.is_authenticated and not _is_applicant(user):
        raise Http404  # staff work on applications in the console
    guest_refused = getattr(user, "kind", "") == User.Kind.GUEST and not procedure.allows_guest
    if not user.is_authenticated or guest_refused:
        # Choose: sign in, or (where allowed) go on as a guest with an email address.
        return render(
            request,
            "procedures/portal/start.html",
            {"procedure": procedure, "sign_in_first": True, "guest_refused": guest_refused},
        )
    if request.method == "POST":
        draft = applications.application_start(
            procedure=procedure, form_version=form_version, applicant=request.user
        )
        return redirect("procedures:resume", public_id=draft.public_id)
    return render(request, "procedures/portal/start.html", {"procedure": procedure})


@_resident_only
def resume(request: HttpRequest, public_id: Any) -> HttpResponse:
    draft = _draft(request, public_id)
    definition = application_selectors.definition_of(draft)
    _pages, incomplete, exit_id = _first_incomplete(definition, draft.answers)
    if incomplete is not None:
        return redirect("procedures:page", public_id=draft.public_id, page_id=incomplete.id)
    if exit_id is not None:
        return redirect("procedures:exit", public_id=draft.public_id, exit_id=exit_id)
    return redirect("procedures:check", public_id=draft.public_id)


@_resident_only
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, public_id: Any, page_id: str) -> HttpResponse:
    draft = _draft(request, public_id)
    definition = application_selectors.definition_of(draft)
    pages, incomplete, _exit = _first_incomplete(definition, draft.answers)
    reachable = (
        [p.id for p in pages[: pages.index(incomplete) + 1]]
        if incomplete
        else [p.id for p in pages]
    )
    current = definition.page(page_id)
    if current is None or page_id not in reachable:
        # A page the answers skip, or one further than the applicant has got: not by URL.
        return redirect("procedures:resume", public_id=draft.public_id)
    names = (
        attachments.attachment_names(uploader_id=_user_id(request), application=draft)
        if any(q.type == "file" for q in current.questions)
        else {}
    )
    form_kwargs: dict[str, Any] = {
        "page": current,
        "language": request.LANGUAGE_CODE,
        "answers": draft.answers,
        "attachment_names": names,
    }
    add, remove = request.POST.get("add_item", ""), request.POST.get("remove_item", "")
    find = request.POST.get("find_address", "")
    redisplay = request.method == "POST" and bool(add or remove or find)
    if redisplay:
        # "Add another", "Remove" and "Find address" show the page again, keeping what was
        # typed, without checking or saving it yet.
        typed = {**initial_for(current, draft.answers), **raw_initial(current, request.POST)}
        apply_group_action(current, typed, add, remove)
        if find and not fill_address(current, typed, find):
            messages.error(request, _("No address was found for this postal code."))
        form = PageForm(initial=typed, **form_kwargs)
    else:
        form = PageForm(
            request.POST or None,
            request.FILES or None,
            initial=initial_for(current, draft.answers),
            **form_kwargs,
        )
    if request.method == "POST" and not redisplay and form.is_valid():
        answers = form.answers()
        for question_id, value in answers.items():
            if isinstance(value, CheckedFile):
                stored = attachments.attachment_store(
                    uploader=request.user, question_id=question_id, checked=value, application=draft
                )
                answers[question_id] = str(stored.public_id)
        applications.application_save_page(application=draft, answers=answers)
        if "save_and_exit" in request.POST:
            messages.success(
                request,
                _(
                    "Your answers are saved. You can come back to this application from "
                    "“My applications” within 30 days."
                ),
            )
            return redirect("procedures:my_applications")
        target = next_page_id(current, {**draft.answers, **answers})
        if target is not None and definition.exit(target) is not None:
            return redirect("procedures:exit", public_id=draft.public_id, exit_id=target)
        if target is None or request.GET.get("change"):
            return redirect("procedures:resume", public_id=draft.public_id)
        return redirect("procedures:page", public_id=draft.public_id, page_id=target)
    position = [p.id for p in pages].index(page_id) + 1
    return render(
        request,
        "procedures/portal/page.html",
        {
            "draft": draft,
            "page": current,
            "form": form,
            "position": position,
            "title": localized(current.title.model_dump(by_alias=True)),
        },
    )


@_resident_only
def exit_page(request: HttpRequest, public_id: Any, exit_id: str) -> HttpResponse:
    draft = _draft(request, public_id)
    exit_ = application_selectors.definition_of(draft).exit(exit_id)
    if exit_ is None:
        raise Http404
    return render(
        request,
        "procedures/portal/exit.html",
        {
            "draft": draft,
            "title": localized(exit_.title.model_dump(by_alias=True)),
            "body": localized(exit_.body.model_dump(by_alias=True)),
        },
    )


@_resident_only
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, public_id: Any) -> HttpResponse:
    submitted = application_selectors.own_submitted(
        public_id=public_id, applicant_id=_user_id(request)
    )
    if submitted is not None:  # a double click or a retry after submitting: show the result
        return redirect("procedures:application_detail", reference=submitted.reference)
    draft = _draft(request, public_id)
    definition = application_selectors.definition_of(draft)
    pages, incomplete, exit_id = _first_incomplete(definition, draft.answers)
    if incomplete is not None or exit_id is not None:
        return redirect("procedures:resume", public_id=draft.public_id)
    declaration_error = ""
    if request.method == "POST":
        if request.POST.get("declaration") != "agreed":
            declaration_error = _("Confirm the declaration to submit your application.")
        else:
            try:
                submitted = applications.application_submit(
                    application=draft, language=request.LANGUAGE_CODE
                )
            except applications.ApplicationIncomplete:
                return redirect("procedures:resume", public_id=draft.public_id)
            except applications.NotEligible as exc:
                return redirect("procedures:exit", public_id=draft.public_id, exit_id=exc.exit_id)
            return redirect("procedures:application_detail", reference=submitted.reference)
    lines = fee_lines(definition, pages, draft.answers, request.LANGUAGE_CODE)
    return render(
        request,
        "procedures/portal/check.html",
        {
            "draft": draft,
            "rows": answer_rows(
                definition,
                pages,
                draft.answers,
                request.LANGUAGE_CODE,
                attachments.attachment_names(uploader_id=_user_id(request), application=draft),
            ),
            "fee_lines": lines,
            "fee_total": fee_total(lines),
            "declaration": localized(definition.declaration.model_dump(by_alias=True)),
            "declaration_error": declaration_error,
        },
    )


@_resident_only
def my_applications(request: HttpRequest) -> HttpResponse:
    items = application_selectors.applications_of(applicant_id=_user_id(request))
    return render(request, "procedures/portal/my_applications.html", {"applications": items})


@_resident_only
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    application = application_selectors.own_application(
        reference=reference.upper()[:8], applicant_id=_user_id(request)
    )
    if application is None:
        raise Http404
    definition = application_selectors.definition_of(application)
    pages, _exit = route(definition, application.answers)
    return render(
        request,
        "procedures/portal/application_detail.html",
        {
            "application": application,
            "rows": answer_rows(
                definition,
                pages,
                application.answers,
                request.LANGUAGE_CODE,
                {str(a.public_id): a.filename for a in application.attachments.all()},
            ),
            "can_withdraw": application.status in applications.WITHDRAWABLE,
            "payment_purpose": payables.PURPOSE,
            "payment_open_statuses": payables.OPEN_STATUSES,
        },
    )


@_resident_only
@require_POST
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    application = application_selectors.own_application(
        reference=reference.upper()[:8], applicant_id=_user_id(request)
    )
    if application is None:
        raise Http404
    try:
        applications.application_withdraw(application=application)
    except applications.NotAllowed:
        messages.error(
            request,
            _(
                "This application is already being processed and can no longer be withdrawn. "
                "Please contact the department."
            ),
        )
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("procedures:application_detail", reference=application.reference)


@_resident_only
def attachment(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A file the resident uploaded, on a draft or an application of theirs."""
    item = application_selectors.own_attachment(public_id=public_id, uploader_id=_user_id(request))
    if item is None:
        raise Http404
    return attachment_response(item, by_staff=False)


@_resident_only
def application_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's own copy of an application as a PDF (another person's reference: 404)."""
    application = application_selectors.own_application(
        reference=reference.upper()[:8], applicant_id=_user_id(request)
    )
    if application is None:
        raise Http404
    content = pdf.application_pdf(application, language=request.LANGUAGE_CODE, for_staff=False)
    return pdf.http_response(content, application.reference)


class GuestEmailForm(AccessibleForm):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy("We will send you a link to continue. It works once, for 24 hours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


@require_http_methods(["GET", "POST"])
def guest_link(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Ask for a link by email: to apply for ``slug`` without an account, or (without a
    slug) to see the applications made as a guest."""
    procedure = None
    if slug is not None:
        procedure = get_object_or_404(catalogue_selectors.published_procedures(), slug=slug)
        if not procedure.allows_guest:
            raise Http404
    form = GuestEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guest.guest_link_send(
            email=form.cleaned_data["email"], procedure=procedure, language=request.LANGUAGE_CODE
        )
        return render(request, "procedures/portal/guest_sent.html", {"procedure": procedure})
    return render(
        request, "procedures/portal/guest_link.html", {"procedure": procedure, "form": form}
    )


@require_http_methods(["GET", "POST"])
def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the emailed link shows a button; only pressing it uses the link, so mail
    scanners that follow links do not use it up."""
    try:
        access = guest.guest_link_check(token)
        if request.user.is_authenticated:
            # Never swap the signed-in person for the link's guest: a link someone else
            # asked for would otherwise put this person's answers in that guest account.
            return render(
                request,
                "procedures/portal/guest_confirm.html",
                {"procedure": access.procedure, "email": access.email, "signed_in": True},
                status=409,
            )
        if request.method == "POST":
            user, procedure = guest.guest_link_confirm(token=token)
            login(request, user, backend="minato.accounts.backends.ProfileModelBackend")
            if procedure is not None:
                return redirect("procedures:start", slug=procedure.slug)
            return redirect("procedures:my_applications")
    except guest.GuestLinkInvalid:
        return render(request, "procedures/portal/guest_invalid.html", status=400)
    except guest.AddressHasAccount:
        messages.info(
            request,
            _("This email address has an account. Sign in to apply and to see your applications."),
        )
        return redirect("accounts:login")
    return render(
        request,
        "procedures/portal/guest_confirm.html",
        {"procedure": access.procedure, "email": access.email},
    )
