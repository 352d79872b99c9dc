"""Console pages: writing, approving and cancelling broadcasts; staff's message texts with
versions, placeholder checks at save, per-channel variants and previews."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from minato.accounts.models import Department, ResidentProfile, User
from minato.notifications import message_templates, services
from minato.notifications.fake_line import FakeLine
from minato.notifications.models import (
    Broadcast,
    LineAccount,
    MessageTemplate,
)

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def _line_resident(number: int) -> User:
    user = User.objects.create(email=f"r{number}@example.jp", kind=User.Kind.RESIDENT)
    ResidentProfile.objects.create(user=user, preferred_channels=["line"])
    LineAccount.objects.create(user=user, line_user_id=f"U{number:032x}")
    return user


FORM = {
    "title": "乳幼児健診",
    "topic": "disaster",
    "subject_ja": "健診のお知らせ",
    "body_ja": "12月10日にみなとパーク芝浦で行います。",
    "subject_en": "",
    "body_en": "",
    "subject_easy": "",
    "body_easy": "",
    "scheduled_for": "",
}


def test_a_clerk_writes_a_supervisor_approves_and_it_arrives_on_line(
    fake_line: FakeLine,
    staff_client: SignIn,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
) -> None:
    _line_resident(1)
    _line_resident(2)
    clerk = staff_client(charlie)
    assert clerk.get(reverse("staff:notifications:broadcasts")).status_code == 200
    response = clerk.post(
        reverse("staff:notifications:broadcast_new"),
        {**FORM, "department": departments["kumin"].pk},
    )
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302 and broadcast.status == Broadcast.Status.DRAFT
    page = clerk.get(reverse("staff:notifications:broadcast", args=[broadcast.public_id]))
    assert "健診のお知らせ" in page.text and "2" in page.text
    clerk.post(reverse("staff:notifications:broadcast_submit", args=[broadcast.public_id]))
    # The author cannot approve: the page says so and nothing changes.
    clerk.post(reverse("staff:notifications:broadcast_approve", args=[broadcast.public_id]))
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SUBMITTED and fake_line.sent == []

    approver = staff_client(supervisor)
    page = approver.get(reverse("staff:notifications:broadcast", args=[broadcast.public_id]))
    assert "Approve and send" in page.text or "承認" in page.text
    approver.post(reverse("staff:notifications:broadcast_approve", args=[broadcast.public_id]))
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SENT and broadcast.approved_by == supervisor
    sent_page = approver.get(reverse("staff:notifications:broadcast", args=[broadcast.public_id]))
    assert sent_page.status_code == 200 and "LINE" in sent_page.text
    [multicast] = fake_line.sent
    assert multicast.kind == "multicast" and len(multicast.to) == 2
    assert "健診のお知らせ" in multicast.texts[0]


def test_a_draft_without_japanese_is_refused_and_nothing_is_saved(
    staff_client: SignIn, departments: dict[str, Department], charlie: User
) -> None:
    clerk = staff_client(charlie)
    response = clerk.post(
        reverse("staff:notifications:broadcast_new"),
        {**FORM, "department": departments["kumin"].pk, "body_ja": ""},
    )
    assert response.status_code == 400 and not Broadcast.objects.exists()
    other_department = clerk.post(
        reverse("staff:notifications:broadcast_new"),
        {**FORM, "department": departments["kankyo"].pk},
    )
    assert other_department.status_code == 400 and not Broadcast.objects.exists()


def test_another_departments_broadcast_is_not_found(
    staff_client: SignIn, departments: dict[str, Department], charlie: User, erin: User
) -> None:
    from minato.notifications import broadcasts

    found = broadcasts.broadcast_save(
        staff=erin,
        broadcast=None,
        values={
            "department": departments["kankyo"],
            "title": "ごみ",
            "topic": "garbage",
            "areas": [],
            "languages": [],
            "child_age_bands": [],
            "content": {"ja": {"subject": "a", "body": "b"}},
            "is_emergency": False,
            "scheduled_for": None,
        },
    )
    url = reverse("staff:notifications:broadcast", args=[found.public_id])
    assert staff_client(charlie).get(url).status_code == 404
    assert staff_client(erin).get(url).status_code == 200


def test_residents_cannot_open_the_console_pages(resident_client: SignIn, alice: User) -> None:
    response = resident_client(alice).get(reverse("staff:notifications:broadcasts"))
    assert response.status_code in (302, 403)


# --- Message texts --------------------------------------------------------------------------

KEY_URL = ("general", "message")


def test_unknown_placeholders_are_refused_at_save(sam: User, staff_client: SignIn) -> None:
    client = staff_client(sam)
    url = reverse("staff:notifications:template", args=KEY_URL)
    page = client.get(url)
    assert page.status_code == 200 and "title" in page.text
    response = client.post(
        url,
        {"language": "ja", "channel": "", "subject": "{{ title }}", "body": "{{ secret }}"},
    )
    assert response.status_code == 400 and "secret" in response.text
    response = client.post(
        url,
        {"language": "ja", "channel": "", "subject": "{{ title }}", "body": "{% load x %}"},
    )
    assert response.status_code == 400
    assert not MessageTemplate.objects.exists()


def test_validation_allows_conditions_and_harmless_filters() -> None:
    message_templates.validate(
        key="general/message",
        subject="{{ title|default:'お知らせ' }}",
        body="{% if message %}{{ message }}{% else %}詳しくは {{ site_url }}{% endif %}",
    )
    refused = (
        "{% for x in message %}{{ x }}{% endfor %}",
        "{{ message|safe }}",
        "{{ x.y }}",
        "{{ message.upper }}",  # reaching into a value
        "{{ message|default:secret }}",  # an unknown placeholder as a filter's argument
    )
    for body in refused:
        with pytest.raises(message_templates.InvalidTemplate):
            message_templates.validate(key="general/message", subject="件名", body=body)


def test_saved_versions_are_used_per_channel_and_an_earlier_one_can_be_restored(
    sam: User, charlie: User, staff_client: SignIn, alice: User, fake_line: FakeLine
) -> None:
    url = reverse("staff:notifications:template", args=KEY_URL)
    admin = staff_client(sam)
    for body in ("第1版: {{ message }}", "第2版: {{ message }}"):
        admin.post(url, {"language": "ja", "channel": "", "subject": "{{ title }}", "body": body})
    admin.post(
        url, {"language": "ja", "channel": "line", "subject": "{{ title }}", "body": "LINE版"}
    )
    assert MessageTemplate.objects.count() == 3
    context = {"title": "お知らせ", "message": "本文"}
    by_email = services.notify(
        recipient=alice, template_key="general/message", context=context, channel="email"
    )
    assert by_email.body == "第2版: 本文\n"
    alice.profile.preferred_channels = ["line"]
    alice.profile.save()
    LineAccount.objects.create(user=alice, line_user_id="U" + "a" * 32)
    by_line = services.notify(recipient=alice, template_key="general/message", context=context)
    assert by_line.channel == "line" and by_line.body == "LINE版\n"

    first = MessageTemplate.objects.get(channel="", version=1)
    page = admin.get(url, {"language": "ja", "channel": "", "restore": first.pk})
    assert "第1版" in page.text
    # A clerk previews but cannot save.
    clerk = staff_client(charlie)
    preview = clerk.post(
        url,
        {"language": "ja", "channel": "", "subject": "{{ title }}", "body": "x", "preview": "1"},
    )
    assert preview.status_code == 200 and "«title»" in preview.text
    refused = clerk.post(
        url, {"language": "ja", "channel": "", "subject": "{{ title }}", "body": "x"}
    )
    assert refused.status_code == 403 and MessageTemplate.objects.count() == 3


def test_every_built_in_text_passes_its_own_check() -> None:
    """The defaults follow the rules staff's texts must follow."""
    for key, built_in in message_templates.built_ins().items():
        for language in built_in.files:
            subject, body = built_in.text(language)
            message_templates.validate(key=key, subject=subject, body=body)


def test_a_condition_opened_in_the_subject_must_close_there() -> None:
    with pytest.raises(message_templates.InvalidTemplate):
        message_templates.validate(
            key="general/message", subject="{% if title %}{{ title }}", body="x{% endif %}"
        )
    subject, body = message_templates.render_text(
        "{{ title }}", "{{ message }}", {"title": "二行の\n件名", "message": "本文"}
    )
    assert subject == "二行の 件名" and body == "本文\n"


def test_only_system_administrators_change_the_texts(dana: User, staff_client: SignIn) -> None:
    url = reverse("staff:notifications:template", args=KEY_URL)
    admin = staff_client(dana)
    response = admin.post(
        url, {"language": "ja", "channel": "", "subject": "{{ title }}", "body": "x"}
    )
    assert response.status_code == 403 and not MessageTemplate.objects.exists()
    assert admin.get(url + "?restore=abc").status_code == 200
