"""Digital circular boards: staff register an association, its officer keeps households,
residents join with a code, read and answer circulars; reminders, paper households, the
ward's circulars and the safety check in disaster mode."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from minato.accounts.models import Department, User
from minato.community import services
from minato.community.models import Association, Circular, Household, Receipt
from minato.community.services import CircularDraft, CommunityError
from minato.core.models import AuditEvent
from minato.information import disaster
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


@pytest.fixture
def association(departments: dict[str, Department], charlie: User, alice: User) -> Association:
    return services.association_create(
        staff=charlie,
        name="芝二丁目町会",
        area="shiba",
        department=departments["kumin"],
        officer_email="Alice@Example.jp",
    )


@pytest.fixture
def households(association: Association, alice: User, bob: User) -> list[Household]:
    group = services.group_create(officer=alice, association=association, name="1班")
    made = [
        services.household_create(
            officer=alice, association=association, label=label, group=group, paper=paper
        )
        for label, paper in (("港", False), ("ブラウン", False), ("増上", True))
    ]
    services.household_join(user=alice, code=made[0].join_code)
    services.household_join(user=bob, code=made[1].join_code.lower().replace("-", " "))
    return made


def _vote(author: User, association: Association | None, **overrides: Any) -> Circular:
    values = {
        "kind": Circular.Kind.VOTE,
        "title": "夏祭りの開催について",
        "body": "賛成か反対かお答えください。",
        "deadline": timezone.now() + timedelta(days=7),
        **overrides,
    }
    return services.circular_post(
        author=author, association=association, draft=CircularDraft(**values)
    )


def test_staff_register_an_association_with_its_first_officer(
    staff_client: Any, departments: dict[str, Department], charlie: User, alice: User, erin: User
) -> None:
    console = staff_client(charlie)
    answer = console.post(
        reverse("staff:community:associations"),
        {
            "name": "芝二丁目町会",
            "area": "shiba",
            "department": departments["kumin"].pk,
            "officer_email": "alice@example.jp",
        },
    )
    assert answer.status_code == 302
    association = Association.objects.get()
    assert list(association.officers.values_list("user_id", flat=True)) == [alice.pk]
    unknown = console.post(
        reverse("staff:community:associations"),
        {
            "name": "高輪町会",
            "area": "takanawa",
            "department": departments["kumin"].pk,
            "officer_email": "nobody@example.jp",
        },
    )
    assert unknown.status_code == 400 and Association.objects.count() == 1
    with pytest.raises(CommunityError):
        services.association_create(
            staff=erin,
            name="x",
            area="shiba",
            department=departments["kumin"],
            officer_email="alice@example.jp",
        )


def test_a_resident_joins_with_the_code_and_a_wrong_code_changes_nothing(
    resident_client: Any, association: Association, alice: User, bob: User
) -> None:
    household = services.household_create(
        officer=alice, association=association, label="ブラウン", group=None, paper=False
    )
    client = resident_client(bob)
    wrong = client.post(reverse("community:join"), {"code": "AAAAA-AAAAA"})
    assert wrong.status_code == 400 and not household.members.exists()
    right = client.post(reverse("community:join"), {"code": household.join_code})
    assert right.status_code == 302
    assert list(household.members.values_list("user_id", flat=True)) == [bob.pk]
    again = client.post(reverse("community:join"), {"code": household.join_code})
    assert again.status_code == 400
    with override_settings(COMMUNITY_JOIN_RATE="1/h"):
        assert client.post(reverse("community:join"), {"code": "x"}).status_code in (400, 429)
        assert client.post(reverse("community:join"), {"code": "x"}).status_code == 429


def test_a_vote_is_posted_read_and_answered_per_household(
    resident_client: Any, alice: User, bob: User, association: Association, households: list
) -> None:
    circular = _vote(alice, association)
    told = Notification.objects.filter(template_key="community/circular_posted")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([alice.pk, bob.pk])
    # A household's own circular: no topic to have opted out of, so it is never withheld.
    assert set(told.values_list("topic", flat=True)) == {""}
    assert "港" not in str(
        list(AuditEvent.objects.filter(action__startswith="community.").values_list("changes"))
    )  # household labels (names, addresses) stay out of the audit trail

    client = resident_client(bob)
    listing = client.get(reverse("community:circulars"))
    assert "夏祭りの開催について" in listing.text and "large-text" in listing.text
    page = client.get(reverse("community:circular", args=[circular.public_id]))
    assert page.status_code == 200
    receipt = Receipt.objects.get(circular=circular, household=households[1])
    assert receipt.read_by == bob and receipt.answer == ""

    bad = client.post(reverse("community:circular", args=[circular.public_id]), {"answer": "maybe"})
    assert bad.status_code == 400
    client.post(reverse("community:circular", args=[circular.public_id]), {"answer": "yes"})
    client.post(
        reverse("community:circular", args=[circular.public_id]),
        {"answer": "no", "comment": "雨天時が心配"},
    )
    receipt.refresh_from_db()
    assert (receipt.answer, receipt.comment) == ("no", "雨天時が心配")
    assert AuditEvent.objects.filter(action="community.circular_answered").count() == 2

    Circular.objects.filter(pk=circular.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    late = client.post(reverse("community:circular", args=[circular.public_id]), {"answer": "yes"})
    assert late.status_code == 400
    receipt.refresh_from_db()
    assert receipt.answer == "no"


def test_people_outside_the_association_cannot_read_or_answer(
    resident_client: Any, alice: User, association: Association, households: list, departments: Any
) -> None:
    from conftest import _resident

    stranger = _resident("carol@example.jp")
    circular = _vote(alice, association)
    client = resident_client(stranger)
    assert client.get(reverse("community:circular", args=[circular.public_id])).status_code == 404
    assert (
        client.post(
            reverse("community:circular", args=[circular.public_id]), {"answer": "yes"}
        ).status_code
        == 404
    )
    assert client.get(reverse("community:board", args=[association.slug])).status_code == 404
    assert not Receipt.objects.exists()
    assert Client().get(reverse("community:circulars")).status_code == 302  # sign in first


def test_attachments_are_checked_and_served_only_to_the_households(
    resident_client: Any, alice: User, bob: User, association: Association, households: list
) -> None:
    with (
        translation.override("en"),
        pytest.raises(CommunityError, match=r"evil\.pdf: This type of file is not accepted"),
    ):
        services.circular_post(
            author=alice,
            association=association,
            draft=CircularDraft(
                kind="notice",
                title="t",
                body="b",
                files=[SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf")],
            ),
        )
    assert not Circular.objects.exists()
    client = resident_client(alice)
    posted = client.post(
        reverse("community:new", args=[association.slug]),
        {
            "kind": "notice",
            "title": "防災訓練のご案内",
            "body": "地図を添付します。",
            "attachments": [SimpleUploadedFile("地図.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert posted.status_code == 302
    circular = Circular.objects.get()
    attachment = circular.attachments.get()
    assert (attachment.name, attachment.content_type) == ("地図.pdf", "application/pdf")
    url = reverse("community:attachment", args=[circular.public_id, attachment.public_id])
    download = resident_client(bob).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    from conftest import _resident

    assert resident_client(_resident("carol@example.jp")).get(url).status_code == 404


def test_reminders_go_to_the_households_that_have_not_answered_once_in_12_hours(
    resident_client: Any, alice: User, bob: User, association: Association, households: list
) -> None:
    circular = _vote(alice, association)
    services.circular_answer(user=alice, circular=circular, household=households[0], answer="yes")
    sent = services.circular_remind(officer=alice, circular=circular)
    reminded = Notification.objects.filter(template_key="community/circular_reminder")
    assert sent == 1 and list(reminded.values_list("recipient_id", flat=True)) == [bob.pk]
    with translation.override("en"), pytest.raises(CommunityError, match="12 hours"):
        services.circular_remind(officer=alice, circular=circular)
    with pytest.raises(CommunityError):
        services.circular_remind(officer=bob, circular=circular)  # not an officer


def test_the_officer_sees_the_tally_records_paper_households_and_prints(
    resident_client: Any, alice: User, association: Association, households: list
) -> None:
    circular = _vote(alice, association)
    client = resident_client(alice)
    base = reverse("community:status", args=[association.slug, circular.public_id])
    client.post(f"{base}paper/", {"household": households[2].public_id, "answer": "no"})
    receipt = Receipt.objects.get(household=households[2])
    assert receipt.answer == "no" and receipt.read_by is None
    # A household that reads on a phone answers for itself: the officer cannot.
    client.post(f"{base}paper/", {"household": households[1].public_id, "answer": "no"})
    assert not Receipt.objects.filter(household=households[1]).exists()
    assert client.post(f"{base}paper/", {"household": "not-a-uuid"}).status_code == 404
    assert client.post(f"{base}paper/", {}).status_code == 404
    page = client.get(base)
    assert page.status_code == 200 and "増上" in page.text
    printed = client.get(f"{base}print/")
    assert printed.status_code == 200 and "夏祭りの開催について" in printed.text
    assert "ブラウン" in printed.text  # the 回覧 sheet lists every household


def test_the_ward_posts_to_every_association_and_a_clerk_cannot(
    staff_client: Any,
    resident_client: Any,
    departments: dict[str, Department],
    supervisor: User,
    charlie: User,
    bob: User,
    alice: User,
    households: list,
) -> None:
    other = services.association_create(
        staff=charlie,
        name="高輪町会",
        area="takanawa",
        department=departments["kumin"],
        officer_email="bob@example.com",
    )
    household = services.household_create(
        officer=bob, association=other, label="高輪", group=None, paper=False
    )
    services.household_join(user=bob, code=household.join_code)
    with pytest.raises(CommunityError):
        services.circular_post(
            author=charlie,
            association=None,
            department=departments["kumin"],
            draft=CircularDraft(kind="notice", title="t", body="b"),
        )
    posted = staff_client(supervisor).post(
        reverse("staff:community:circulars"),
        {
            "department": departments["kumin"].pk,
            "kind": "notice",
            "title": "年末の防犯パトロールのお願い",
            "body": "各町会でのご協力をお願いします。",
        },
    )
    assert posted.status_code == 302
    circular = Circular.objects.get(association__isnull=True)
    for user in (alice, bob):
        assert (
            "年末の防犯パトロール" in resident_client(user).get(reverse("community:circulars")).text
        )
    services.circular_read(user=bob, circular=circular)
    assert Receipt.objects.filter(circular=circular).count() == 2  # both of bob's households


def test_a_safety_check_is_possible_only_in_disaster_mode(
    alice: User, supervisor: User, association: Association, households: list
) -> None:
    draft = CircularDraft(kind="safety", title="安否確認", body="ご無事ですか。")
    with translation.override("en"), pytest.raises(CommunityError, match="disaster mode"):
        services.circular_post(author=alice, association=association, draft=draft)
    disaster.set_mode(staff=supervisor, active=True, message={})
    circular = services.circular_post(author=alice, association=association, draft=draft)
    assert circular.options == ["safe", "need_help"]
    message = Notification.objects.filter(template_key="community/circular_posted").first()
    assert message is not None and message.is_emergency
    services.circular_answer(user=alice, circular=circular, household=households[0], answer="safe")
    assert Receipt.objects.get(circular=circular).answer == "safe"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": " "}, "title"),
        ({"body": ""}, "text"),
        ({"kind": "survey", "options": ["A"]}, "2 to 10"),
        ({"kind": "survey", "options": ["A", "A"]}, "different"),
        ({"deadline": timezone.now() - timedelta(days=1)}, "future"),
        ({"kind": "notice"}, "no answer deadline"),
        ({"kind": "lottery"}, "kind"),
    ],
)
def test_a_bad_circular_is_refused_with_a_reason_and_nothing_is_posted(
    alice: User, association: Association, overrides: dict[str, Any], message: str
) -> None:
    with translation.override("en"), pytest.raises(CommunityError, match=message):
        _vote(alice, association, **overrides)
    assert not Circular.objects.exists()
    assert not Notification.objects.filter(template_key__startswith="community/").exists()


def test_a_member_of_two_households_answers_for_each(
    resident_client: Any,
    alice: User,
    bob: User,
    association: Association,
    households: list,
) -> None:
    services.household_join(user=bob, code=households[2].join_code)
    circular = _vote(alice, association)
    client = resident_client(bob)
    url = reverse("community:circular", args=[circular.public_id])
    page = client.get(url)
    assert "増上" in page.text and 'name="household"' in page.text
    client.post(url, {"household": str(households[2].public_id), "answer": "no"})
    client.post(url, {"household": str(households[1].public_id), "answer": "yes"})
    answers = dict(Receipt.objects.filter(circular=circular).values_list("household_id", "answer"))
    assert answers[households[2].pk] == "no" and answers[households[1].pk] == "yes"


def test_telling_the_members_again_tells_nobody_twice(
    alice: User, bob: User, association: Association, households: list
) -> None:
    circular = _vote(alice, association)
    assert Notification.objects.filter(template_key="community/circular_posted").count() == 2
    again = services.tell_members(circular_id=circular.pk, template="community/circular_posted")
    assert again == 0
    assert Notification.objects.filter(template_key="community/circular_posted").count() == 2
