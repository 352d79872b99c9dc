"""The demo forms: each is publishable, load_demo publishes them all, and a complete answer
set (one per form, below — they double as documentation of the JSON answers) is accepted."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from minato.accounts import services as account_services
from minato.accounts.models import User
from minato.accounts.organisation import iter_units
from minato.core.context import acting_as
from minato.procedures import demo
from minato.procedures.applications import services as applications
from minato.procedures.applications import workflow
from minato.procedures.demo import demo_forms
from minato.procedures.forms.answers import route, validate_all
from minato.procedures.forms.fees import fee_lines, fee_total
from minato.procedures.forms.schema import check_definition
from minato.procedures.forms.services import form_export, form_publish
from minato.procedures.models import Procedure

DEMO_FORMS = demo_forms()
# A collection day the form accepts whenever the tests run (3 to 60 days ahead).
COLLECTION_DAY = (timezone.localdate() + timedelta(days=10)).isoformat()
ME = {
    "family_name": "港",
    "given_name": "花子",
    "family_name_kana": "みなと",
    "given_name_kana": "はなこ",
}
CONTACT = {"postal_code": "105-8511", "address": "芝公園1-5-25", "phone": "03-3578-2111"}
EMAIL = "hanako@example.jp"
# File answers are ids of attachments the applicant uploaded; the tests map them to names.
FILES = {
    "att-quotation": "mitsumori.pdf",
    "att-plan": "jigyo-keikaku.pdf",
    "att-registry": "rireki-jiko.pdf",
    "att-tax": "nozei.pdf",
    "att-certificate": "techo.jpg",
    "att-income": "kazei-shomei.pdf",
    "att-employment": "shuro-shomei.pdf",
    "att-vaccination": "kyokenbyo.jpg",
}


def person(family: str, given: str, family_kana: str, given_kana: str) -> dict[str, str]:
    return {
        "family_name": family,
        "given_name": given,
        "family_name_kana": family_kana,
        "given_name_kana": given_kana,
    }


EXAMPLE_ANSWERS: dict[str, dict[str, Any]] = {
    "sodai-gomi": {
        "home_appliance": "no",
        "items": [{"item": "bed", "count": 1}, {"item": "chair", "count": 2}],
        "preferred_date": COLLECTION_DAY,
        "place": "collection_point",
        "applicant_name": ME,
        **CONTACT,
    },
    "juminhyo-utsushi": {
        "certificate": "juminhyo",
        "copies": 2,
        "household": "all",
        "include": ["relationship"],
        "purpose": "勤務先への提出",
        "delivery": "post",
        **CONTACT,
    },
    "smartphone-kashidashi": {
        "eligible": "yes",
        "basis": "disability",
        "device": "smartphone",
        "lesson": "yes",
        "certificate_copy": "att-certificate",
        "applicant_name": ME,
        "birth_date": "1950-04-01",
        **CONTACT,
    },
    "kumin-muke-jutaku-todokede": {
        "housing_name": "港区立芝公園住宅",
        "room_number": "305",
        "applicant_name": ME,
        "kind": "members",
        "members": [
            {
                "name": person("港", "一郎", "みなと", "いちろう"),
                "relationship": "child",
                "change": "birth",
                "change_date": "2026-10-01",
            }
        ],
        "phone": "03-3578-2111",
        "email": EMAIL,
    },
    "kumin-muke-jutaku-nyukyo-moshikomi": {
        "minato_link": "resident",
        "tax_arrears": "no",
        "flat_type": "family",
        "district": "takanawa",
        "current_housing": "private_rent",
        "members": [
            {
                "name": person("港", "太郎", "みなと", "たろう"),
                "relationship": "spouse",
                "birth_date": "1983-06-15",
            },
            {
                "name": person("港", "さくら", "ミナト", "サクラ"),
                "relationship": "child",
                "birth_date": "2019-03-03",
            },
        ],
        "household_income_yen": 5_200_000,
        "income_certificate": "att-income",
        "applicant_name": ME,
        "birth_date": "1985-04-01",
        **CONTACT,
        "email": EMAIL,
    },
    "chusho-kigyo-dx-hojokin": {
        "business_type": "corporation",
        "sme": "yes",
        "taxes_paid": "yes",
        "business_name": "株式会社みなとデザイン",
        "corporate_number": "1010401000000",
        "representative_name": ME,
        "industry": "professional",
        "town": "芝浦",  # typed into the autocomplete box; stored as "shibaura"
        "street_address": "3-1-1 〇〇ビル5階",
        "employees": 12,
        "phone": "03-3578-2111",
        "email": "info@minato-design.example",
        "project_title": "クラウド会計と電子請求書の導入",
        "tools": ["accounting", "security"],
        "description": "紙の請求書と手入力の会計をクラウドに移し、月次決算を10日早めます。",
        "start_date": "2027-01-15",
        "total_cost_yen": 480_000,
        "requested_yen": 360_000,
        "other_subsidy": "no",
        "quotation": "att-quotation",
        "business_plan": "att-plan",
        "registration": "att-registry",
        "tax_certificate": "att-tax",
        "no_double_subsidy": True,
        "no_antisocial": True,
    },
    "tenshutsu-todoke": {
        "destination": "other_city",
        "move_date": "2026-12-20",
        "new_postal_code": "220-0012",
        "new_address": "神奈川県横浜市西区みなとみらい1-1-1",
        "movers": [
            {"name": person("港", "花子", "みなと", "はなこ"), "birth_date": "1985-04-01"},
        ],
        "applicant_name": ME,
        "phone": "090-1234-5678",
        "email": EMAIL,
    },
    "jido-teate-nintei": {
        "public_servant": "no",
        "applicant_name": ME,
        "birth_date": "1985-04-01",
        "children": [
            {
                "name": person("港", "さくら", "みなと", "さくら"),
                "birth_date": "2019-03-03",
                "lives_with_you": "yes",
            }
        ],
        "bank_name": "みなと銀行",
        "branch_name": "芝支店",
        "account_type": "ordinary",
        "account_number": "0123456",
        "account_holder_kana": "ミナト ハナコ",
        **CONTACT,
        "email": EMAIL,
    },
    "hoikuen-nyuen-moshikomi": {
        "child_name": person("港", "一郎", "みなと", "いちろう"),
        "child_birth_date": "2025-09-10",
        "start_month": "2027-04-01",
        "reason": "work",
        "work_hours": 40,
        "employment_certificate": "att-employment",
        "district": "shibaura_konan",
        "preferred_nurseries": "港区立芝浦アイランド児童高齢者交流プラザ保育園、港南保育園",
        "siblings_enrolled": "no",
        "applicant_name": ME,
        **CONTACT,
        "email": EMAIL,
    },
    "yokaigo-nintei": {
        "applicant_role": "family",
        "insured_name": person("芝", "太郎", "しば", "たろう"),
        "insured_birth_date": "1948-11-03",
        "insured_number": "1310300001",
        "age_group": "65_plus",
        "kind": "new",
        "place": "home",
        "doctor_name": "高輪 一郎",
        "clinic_name": "高輪クリニック",
        "clinic_phone": "03-1234-5678",
        "applicant_name": ME,
        "relationship": "長女",
        **CONTACT,
    },
    "inu-toroku": {
        "over_91_days": "yes",
        "registered_elsewhere": "no",
        "dog_name": "ポチ",
        "breed": "柴",
        "sex": "male",
        "colour": "赤",
        "dog_birth_date": "2026-06-01",
        "microchip": "392123456789012",
        "vaccinated": "yes",
        "vaccination_date": "2026-10-20",
        "vaccination_certificate": "att-vaccination",
        "vaccination_plan": "done",
        "applicant_name": ME,
        **CONTACT,
        "email": EMAIL,
    },
}


@pytest.mark.parametrize("slug", list(DEMO_FORMS))
def test_every_demo_form_can_be_published(slug: str) -> None:
    check_definition(DEMO_FORMS[slug])


def _texts(node: Any) -> list[dict[str, str]]:
    if isinstance(node, dict):
        if "ja" in node:
            return [node]
        return [text for value in node.values() for text in _texts(value)]
    if isinstance(node, list):
        return [text for value in node for text in _texts(value)]
    return []


@pytest.mark.parametrize("slug", list(DEMO_FORMS))
def test_every_text_is_in_three_languages(slug: str) -> None:
    missing = [text["ja"] for text in _texts(DEMO_FORMS[slug]) if not all(text.values())]
    missing += [text["ja"] for text in _texts(DEMO_FORMS[slug]) if len(text) != 3]
    assert not missing


@pytest.mark.parametrize("slug", list(DEMO_FORMS))
def test_the_example_answers_complete_the_form(slug: str) -> None:
    definition = check_definition(DEMO_FORMS[slug])
    answers, errors, exit_id = validate_all(
        definition, EXAMPLE_ANSWERS[slug], "ja", attachment_names=FILES
    )
    assert (errors, exit_id) == ({}, None)
    pages, end = route(definition, answers)
    assert end is None and pages[-1].next is None
    # Every answer given was on the route and kept (nothing in the example is ignored).
    assert set(answers) == set(EXAMPLE_ANSWERS[slug])


def test_bulky_waste_fees_are_per_item_times_how_many() -> None:
    definition = check_definition(DEMO_FORMS["sodai-gomi"])
    answers, _errors, _exit = validate_all(definition, EXAMPLE_ANSWERS["sodai-gomi"], "ja")
    lines = fee_lines(definition, route(definition, answers)[0], answers, "ja")
    assert [(line.label, line.quantity, line.amount_yen) for line in lines] == [
        ("ベッド（枠）", 1, 2000),
        ("椅子", 2, 800),
    ]
    assert fee_total(lines) == 2800


def test_residence_record_copies_cost_300_yen_each() -> None:
    definition = check_definition(DEMO_FORMS["juminhyo-utsushi"])
    answers, _errors, _exit = validate_all(definition, EXAMPLE_ANSWERS["juminhyo-utsushi"], "ja")
    assert fee_total(fee_lines(definition, route(definition, answers)[0], answers, "ja")) == 600


@pytest.mark.parametrize(
    ("slug", "answers", "exit_id"),
    [
        ("sodai-gomi", {"home_appliance": "yes"}, "exit_appliance_recycling"),
        ("smartphone-kashidashi", {"eligible": "no"}, "exit_not_eligible"),
        ("tenshutsu-todoke", {"destination": "within_minato"}, "exit_tenkyo"),
        ("inu-toroku", {"over_91_days": "no", "registered_elsewhere": "no"}, "exit_too_young"),
    ],
)
def test_exit_pages_stop_those_the_procedure_is_not_for(
    slug: str, answers: dict[str, Any], exit_id: str
) -> None:
    definition = check_definition(DEMO_FORMS[slug])
    assert validate_all(definition, answers, "ja")[2] == exit_id


def test_a_malformed_corporate_number_is_refused() -> None:
    definition = check_definition(DEMO_FORMS["chusho-kigyo-dx-hojokin"])
    answers = {**EXAMPLE_ANSWERS["chusho-kigyo-dx-hojokin"], "corporate_number": "123-456"}
    errors = validate_all(definition, answers, "en", attachment_names=FILES)[1]
    assert errors["corporate_number"] == ["Enter the corporate number as 13 digits."]


def _departments() -> None:
    created: dict[str, Any] = {}
    for unit, parent in iter_units():
        created[unit.code] = account_services.department_upsert(
            code=unit.code,
            name_ja=unit.name_ja,
            name_en=unit.name_en,
            kind=unit.kind,
            parent=created[parent.code] if parent else None,
            handles_resident_records=unit.handles_resident_records,
        )


@pytest.mark.django_db
def test_load_demo_publishes_a_form_for_every_online_procedure_once() -> None:
    _departments()
    with acting_as(actor_label=demo.DEMO_ACTOR):
        demo.load()
        demo.load()  # idempotent
    online = Procedure.objects.filter(availability=Procedure.Availability.ONLINE)
    with_forms = online.filter(form_versions__isnull=False).distinct()
    assert with_forms.count() >= 10
    assert set(online.values_list("slug", flat=True)) == set(DEMO_FORMS)
    assert all(p.form_versions.count() == 1 for p in with_forms)
    assert Procedure.objects.get(slug="sodai-gomi").allows_guest
    counter = Procedure.objects.filter(availability=Procedure.Availability.COUNTER_BY_LAW)
    assert counter.exists() and all(p.offline_reason.get("ja") for p in counter)


@pytest.mark.django_db
def test_load_demo_replaces_its_own_older_forms_but_not_staff_edits() -> None:
    _departments()
    with acting_as(actor_label=demo.DEMO_ACTOR):
        demo.load()
        sodai = Procedure.objects.get(slug="sodai-gomi")
        older = {**DEMO_FORMS["sodai-gomi"], "exits": DEMO_FORMS["sodai-gomi"]["exits"][:1]}
        older["declaration"] = {"ja": "古いデモの宣言"}
        form_publish(procedure=sodai, definition=older)
    inu = Procedure.objects.get(slug="inu-toroku")
    with acting_as(actor_label="staff@city.minato.example"):
        form_publish(
            procedure=inu, definition={**DEMO_FORMS["inu-toroku"], "declaration": {"ja": "職員"}}
        )
    with acting_as(actor_label=demo.DEMO_ACTOR):
        demo.load()
    assert sodai.form_versions.get(version=3).definition == DEMO_FORMS["sodai-gomi"]
    assert sodai.form_versions.count() == 3
    assert inu.form_versions.get(version=2).definition["declaration"] == {"ja": "職員"}
    assert inu.form_versions.count() == 2


def test_a_town_typed_in_the_autocomplete_box_is_stored_as_its_value() -> None:
    definition = check_definition(DEMO_FORMS["chusho-kigyo-dx-hojokin"])
    assert definition.question("town").uses_autocomplete  # type: ignore[union-attr]
    for typed in ("芝浦", "Shibaura", "しばうら"):
        answers = {**EXAMPLE_ANSWERS["chusho-kigyo-dx-hojokin"], "town": typed}
        assert validate_all(definition, answers, "ja", attachment_names=FILES)[0]["town"] == (
            "shibaura"
        )


@pytest.mark.parametrize("slug", list(DEMO_FORMS))
def test_each_demo_form_file_is_in_the_form_builders_exported_json(slug: str) -> None:
    path = Path(demo.__file__).parent / "forms" / f"{slug}.json"
    assert path.read_text(encoding="utf-8") == form_export(definition=DEMO_FORMS[slug])


@pytest.mark.django_db
def test_the_readme_staff_walkthrough_works_with_the_readme_accounts() -> None:
    """The README sends 粗大ごみ to the recycling office's accounts and 住民票 to 区民課's:
    after `load_demo`, those accounts can receive and approve the demo residents' applications."""
    call_command("load_demo", stdout=io.StringIO())
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    hanako = User.objects.get(email="hanako@example.jp")
    walkthrough = {
        "sodai-gomi": ("recycle-clerk", "recycle-supervisor"),
        "juminhyo-utsushi": ("clerk", "supervisor"),
    }
    for slug, names in walkthrough.items():
        clerk, supervisor = (f"{name}@city.minato.example" for name in names)
        procedure = Procedure.objects.get(slug=slug)
        application = applications.application_create_and_submit(
            procedure=procedure,
            form_version=procedure.form_versions.get(),
            applicant=hanako,
            answers=EXAMPLE_ANSWERS[slug],
        )
        for email in (clerk, supervisor):
            assert f"`{email}`" in readme
            assert workflow.can_handle(User.objects.get(email=email), application), (slug, email)
        offered = workflow.available_transitions(User.objects.get(email=clerk), application)
        assert offered, f"{clerk} can do nothing with the {slug} application"


# The 歳入科目 each demo fee is booked to: its own account, never the catch-all その他手数料
# (13-02-09-01), which hides a missing entry from the finance department.
DEMO_REVENUE_ACCOUNTS = {
    "sodai-gomi": "13-02-05-02",  # 清掃手数料 粗大ごみ処理手数料
    "juminhyo-utsushi": "13-02-01-01",  # 総務手数料 戸籍住民基本台帳手数料
    "inkan-toroku": "13-02-01-02",  # 総務手数料 印鑑登録手数料
    "inu-toroku": "13-02-04-01",  # 衛生手数料 犬登録手数料
    "doro-senyo-kyoka": "13-01-05-01",  # 使用料 土木使用料 道路占用料
}


@pytest.mark.django_db
def test_every_demo_fee_is_booked_to_its_own_revenue_account(alice: Any) -> None:
    # given the demo catalogue, and an application of each procedure with a fee
    from minato.payments import payables
    from minato.procedures.models import Application
    from minato.procedures.tests.form_factories import form, page, question

    _departments()
    with acting_as(actor_label=demo.DEMO_ACTOR):
        demo.load()
    charged = Procedure.objects.exclude(fee_type=Procedure.FeeType.NONE).order_by("slug")
    assert sorted(charged.values_list("slug", flat=True)) == sorted(DEMO_REVENUE_ACCOUNTS)
    for number, procedure in enumerate(charged):
        version = procedure.form_versions.first() or form_publish(
            procedure=procedure, definition=form(page("p", question("q")))
        )
        reference = f"ACCT{number + 2}XYZ"
        Application.objects.create(
            procedure=procedure,
            form_version=version,
            applicant=alice,
            department_id=procedure.department_id,
            status="approved",
            reference=reference,
            fee_yen=procedure.fee_amount_yen,
        )
        # when its fee is to be paid
        payable = payables.for_payer("procedures.application", reference, alice)
        # then it is booked to the procedure's own revenue account
        assert payable is not None
        assert payable.account_code == DEMO_REVENUE_ACCOUNTS[procedure.slug], procedure.slug


def test_every_demo_procedure_says_when_its_fee_is_paid() -> None:
    entries = {entry["slug"]: entry for entry in demo.catalogue()["procedures"]}
    assert all(entry.get("payment_timing") for entry in entries.values())
    assert {
        slug: entry["payment_timing"]
        for slug, entry in entries.items()
        if entry["fee_type"] != "none"
    } == {
        "sodai-gomi": "before_processing",  # 粗大ごみ: paid before the collection is booked
        "juminhyo-utsushi": "before_processing",  # the copy is posted once paid
        "inkan-toroku": "at_counter",  # registered in person (港区印鑑条例)
        "inu-toroku": "at_counter",  # applied for online, paid when the tag (鑑札) is handed over
        "doro-senyo-kyoka": "after_approval",  # 占用料 is assessed with the permit
    }
