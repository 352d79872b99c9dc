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
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minato.accounts import permissions
from minato.accounts.models import User
from minato.core.forms import AccessibleForm
from minato.core.uploads import CheckedFile
from minato.procedures import payables
from minato.procedures.applications import attachments, guest, pdf
from minato.procedures.applications import selectors as application_selectors
from minato.procedures.applications import services as applications
from minato.procedures.catalogue import selectors as catalogue_selectors
from minato.procedures.forms import selectors as form_selectors
from minato.procedures.forms.answers import (
    route,
)
from minato.procedures.forms.display import answer_rows
from minato.procedures.models import Application
from minato.procedures.views import runner
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


class DraftRun:
    """A resident's run through their draft (or an application returned to them)."""

    keeps_to_route = True
    is_preview = False

    def __init__(self, request: HttpRequest, draft: Application) -> None:
        self.request = request
        self.draft = draft
        self.procedure = draft.procedure
        self.definition = application_selectors.definition_of(draft)
        self.answers = dict(draft.answers)

    def file_names(self) -> dict[str, str]:
        return attachments.attachment_names(
            uploader_id=_user_id(self.request), application=self.draft
        )

    def store_file(self, question_id: str, checked: CheckedFile) -> str:
        stored = attachments.attachment_store(
            uploader=self.request.user,
            question_id=question_id,
            checked=checked,
            application=self.draft,
        )
        return str(stored.public_id)

    def save(self, answers: dict[str, Any]) -> None:
        applications.application_save_page(application=self.draft, answers=answers)
        self.answers = {**self.answers, **answers}

    def page_url(self, page_id: str) -> str:
        return reverse("procedures:page", args=[self.draft.public_id, page_id])

    def exit_url(self, exit_id: str) -> str:
        return reverse("procedures:exit", args=[self.draft.public_id, exit_id])

    def check_url(self) -> str:
        return reverse("procedures:check", args=[self.draft.public_id])

    def start_url(self) -> str:
        if self.draft.reference:  # returned for correction: back to the application
            return reverse("procedures:application_detail", args=[self.draft.reference])
        return reverse("procedures:start", args=[self.procedure.slug])

    def saved_for_later(self, request: HttpRequest, page_id: str) -> HttpResponse:
        messages.success(
            request,
            _(
                "Your answers are saved. You can come back to this application from "
                "“My applications” within 30 days."
            ),
        )
        return redirect("procedures:my_applications")


def _confirm_email_first(request: HttpRequest, procedure: Any = None) -> HttpResponse:
    """Residents confirm their email address before applying; this page says so and offers
    to send the link again."""
    return render(
        request,
        "procedures/portal/confirm_email_first.html",
        {"procedure": procedure, "next": request.get_full_path()},
        status=403,
    )


def _run(request: HttpRequest, public_id: Any) -> DraftRun | HttpResponse:
    """The resident's run through their draft. A draft already submitted (a step's URL from
    the browser's history, or a double click) goes to the application instead of a 404."""
    if not permissions.has_confirmed_email(request.user):
        return _confirm_email_first(request)
    draft = application_selectors.own_draft(public_id=public_id, applicant_id=_user_id(request))
    if draft is not None:
        return DraftRun(request, draft)
    submitted = application_selectors.own_submitted(
        public_id=public_id, applicant_id=_user_id(request)
    )
    if submitted is not None:
        return redirect("procedures:application_detail", reference=submitted.reference)
    raise Http404


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
    if not permissions.has_confirmed_email(user):
        return _confirm_email_first(request, procedure)
    existing = application_selectors.live_draft(procedure=procedure, applicant_id=_user_id(request))
    if request.method == "POST":
        if existing is not None and request.POST.get("start") != "fresh":
            return redirect("procedures:resume", public_id=existing.public_id)
        draft = applications.application_start(
            procedure=procedure,
            form_version=form_version,
            applicant=request.user,
            discard_existing=existing is not None,
        )
        return redirect("procedures:resume", public_id=draft.public_id)
    return render(
        request, "procedures/portal/start.html", {"procedure": procedure, "existing": existing}
    )


@_resident_only
def resume(request: HttpRequest, public_id: Any) -> HttpResponse:
    run = _run(request, public_id)
    return run if isinstance(run, HttpResponse) else runner.resume(run)


@_resident_only
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, public_id: Any, page_id: str) -> HttpResponse:
    run = _run(request, public_id)
    return run if isinstance(run, HttpResponse) else runner.page(request, run, page_id)


@_resident_only
def exit_page(request: HttpRequest, public_id: Any, exit_id: str) -> HttpResponse:
    run = _run(request, public_id)
    if isinstance(run, HttpResponse):
        return run
    response = runner.exit_page(request, run, exit_id)
    if response is None:
        return runner.resume(run)
    return response


@_resident_only
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, public_id: Any) -> HttpResponse:
    run = _run(request, public_id)
    if isinstance(run, HttpResponse):
        return run  # a double click or a retry after submitting: show the result
    state = runner.progress(run.definition, run.answers)
    if state.incomplete is not None or state.exit_id is not None:
        return runner.resume(run)
    declaration_error = ""
    if request.method == "POST":
        if request.POST.get("declaration") != "agreed":
            declaration_error = _("Confirm the declaration to submit your application.")
        else:
            try:
                submitted = applications.application_submit(
                    application=run.draft, language=request.LANGUAGE_CODE
                )
            except applications.ApplicationIncomplete:
                return runner.resume(run)
            except applications.NotEligible as exc:
                return redirect(run.exit_url(exc.exit_id))
            return redirect("procedures:application_detail", reference=submitted.reference)
    return render(
        request,
        "procedures/portal/check.html",
        {**runner.check_context(request, run), "declaration_error": declaration_error},
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
