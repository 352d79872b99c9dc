"""Guides as data and the checklists their answers make."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minato.core.models import AuditEvent
from minato.navigator.guide import selectors, services
from minato.navigator.guide.schema import GuideError, check_guide, next_question
from minato.navigator.tests.factories import make_guide, moving_in_definition

pytestmark = pytest.mark.django_db


def _answers(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "moved_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "moved_from": "japan",
        "online_tenshutsu": "no",
        "dog": "yes",
    }
    answers.update(overrides)
    return answers


def test_a_question_shown_only_for_some_answers_is_skipped_for_others() -> None:
    guide = check_guide(moving_in_definition())
    after = next_question(guide, {"moved_from": "abroad"}, after="moved_from")
    assert after is not None and after.id == "dog"
    after = next_question(guide, {"moved_from": "japan"}, after="moved_from")
    assert after is not None and after.id == "online_tenshutsu"


def test_a_guide_with_a_condition_on_an_unknown_value_is_refused() -> None:
    definition = moving_in_definition()
    definition["items"][2]["when"] = [{"question": "dog", "in": ["maybe"]}]
    with pytest.raises(GuideError, match="no option"):
        check_guide(definition)


def test_a_deadline_must_count_from_a_date_question() -> None:
    definition = moving_in_definition()
    definition["items"][0]["deadline"] = {"from": "dog", "days": 14}
    with pytest.raises(GuideError, match="date question"):
        check_guide(definition)


def test_a_condition_on_a_later_question_is_refused() -> None:
    definition = moving_in_definition()
    definition["questions"][0]["show_if"] = [{"question": "dog", "in": ["yes"]}]
    with pytest.raises(GuideError, match="not asked before"):
        check_guide(definition)


def test_staff_editing_a_guide_raises_its_version_and_is_audited() -> None:
    guide = make_guide()
    definition = moving_in_definition()
    definition["items"][0]["fee_yen"] = 300
    changed = services.guide_upsert(
        slug=guide.slug, name=guide.name, summary=guide.summary, definition=definition
    )
    assert changed.version == 2
    assert AuditEvent.objects.filter(action="navigator.guide_changed").exists()


def test_a_broken_definition_changes_nothing() -> None:
    guide = make_guide()
    with pytest.raises(ValidationError):
        services.guide_upsert(
            slug=guide.slug, name=guide.name, summary={}, definition={"questions": []}
        )
    guide.refresh_from_db()
    assert guide.version == 1


def test_the_checklist_holds_the_items_the_answers_lead_to_with_deadlines() -> None:
    guide = make_guide()
    checklist, token = services.checklist_create(guide=guide, answers=_answers())
    keys = [item["key"] for item in checklist.items]
    assert keys == ["tennyu", "garbage", "dog"]
    moved_on = date.fromisoformat(str(_answers()["moved_on"]))
    assert checklist.items[0]["due"] == (moved_on + timedelta(days=14)).isoformat()
    assert selectors.checklist_by_token(token) == checklist


def test_answers_to_questions_not_asked_are_dropped() -> None:
    guide = make_guide()
    checklist, _ = services.checklist_create(
        guide=guide, answers=_answers(moved_from="abroad", online_tenshutsu="yes")
    )
    assert "online_tenshutsu" not in checklist.answers
    assert checklist.items[0]["key"] == "abroad"


def test_a_checklist_cannot_be_made_with_a_missing_answer() -> None:
    guide = make_guide()
    answers = _answers()
    del answers["dog"]
    with pytest.raises(services.ChecklistError):
        services.checklist_create(guide=guide, answers=answers)


def test_a_wrong_answer_shape_is_refused() -> None:
    guide = make_guide()
    with pytest.raises(services.ChecklistError):
        services.checklist_create(guide=guide, answers=_answers(moved_on="next week"))


def test_the_private_link_opens_nothing_without_its_token() -> None:
    guide = make_guide()
    checklist, token = services.checklist_create(guide=guide, answers=_answers())
    assert selectors.checklist_by_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert selectors.checklist_by_token("") is None
    assert checklist.token_hash != token


def test_an_expired_private_link_opens_nothing_and_housekeeping_deletes_it() -> None:
    guide = make_guide()
    checklist, token = services.checklist_create(guide=guide, answers=_answers())
    checklist.expires_at = timezone.now() - timedelta(seconds=1)
    checklist.save(update_fields=["expires_at"])
    assert selectors.checklist_by_token(token) is None
    assert services.checklists_delete_expired() == 1


def test_the_audit_names_neither_the_items_nor_the_answers() -> None:
    guide = make_guide()
    checklist, _ = services.checklist_create(guide=guide, answers=_answers())
    services.checklist_tick(checklist=checklist, key="dog", done=True)
    for event in AuditEvent.objects.filter(action__startswith="navigator.checklist"):
        # The keys say the life event (a death, a divorce); the log outlives the checklist.
        assert "moved_on" not in str(event.changes) and "dog" not in str(event.changes)
        assert "tennyu" not in str(event.changes)


def test_ticking_an_item_off_and_on(alice: object) -> None:
    guide = make_guide()
    checklist, _ = services.checklist_create(guide=guide, answers=_answers())
    services.checklist_tick(checklist=checklist, key="dog", done=True)
    checklist.refresh_from_db()
    assert checklist.done == ["dog"]
    services.checklist_tick(checklist=checklist, key="dog", done=False)
    checklist.refresh_from_db()
    assert checklist.done == []
    with pytest.raises(services.ChecklistError):
        services.checklist_tick(checklist=checklist, key="nothing", done=True)


def test_a_checklist_saved_by_one_resident_cannot_be_taken_by_another(alice, bob) -> None:  # type: ignore[no-untyped-def]
    guide = make_guide()
    checklist, _ = services.checklist_create(guide=guide, answers=_answers())
    services.checklist_save(checklist=checklist, owner=alice)
    with pytest.raises(services.ChecklistError):
        services.checklist_save(checklist=checklist, owner=bob)
    assert selectors.own_checklist(public_id=checklist.public_id, owner=bob) is None


def test_the_demo_guides_are_valid_and_load_twice_without_change() -> None:
    from minato.navigator import demo

    demo._guides()
    versions = {guide.slug: guide.version for guide in selectors.all_guides()}
    demo._guides()
    assert {guide.slug: guide.version for guide in selectors.all_guides()} == versions
    assert len(versions) == 9


def test_saving_to_my_page_retires_the_private_link(alice) -> None:  # type: ignore[no-untyped-def]
    guide = make_guide()
    checklist, token = services.checklist_create(guide=guide, answers=_answers())
    services.checklist_save(checklist=checklist, owner=alice)
    assert selectors.checklist_by_token(token) is None
    assert selectors.own_checklist(public_id=checklist.public_id, owner=alice) == checklist
