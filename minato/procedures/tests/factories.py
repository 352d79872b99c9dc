"""Factory functions for catalogue tests (used by the root conftest's ``catalogue``)."""

from __future__ import annotations

from typing import Any

from minato.accounts.models import Department
from minato.procedures.catalogue import services
from minato.procedures.models import Category, LifeEvent, Procedure


def _t(ja: str, en: str, easy: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en, "ja-easy": easy or ja}


def make_procedure(slug: str, department: Department, **overrides: Any) -> Procedure:
    data: dict[str, Any] = {
        "name": _t(
            "粗大ごみ収集の申込", "Oversized waste collection", "おおきな ごみの もうしこみ"
        ),
        "summary": _t(
            "家具や自転車などの粗大ごみの収集を申し込みます。",
            "Book a collection of furniture, bicycles and other large items.",
        ),
        "department_id": department.pk,
        "fee_type": "per_item",
        "fee_amount_yen": 400,
        "revenue_account_code": "13-02-05-02",
        "revenue_account_name": "使用料及手数料 手数料 清掃手数料 粗大ごみ処理手数料",
        "availability": "online",
        "keywords": "家具 ベッド",
        "processing_days": 7,
    }
    data.update(overrides)
    categories = data.pop("category_codes", [])
    return services.procedure_upsert(
        slug=slug,
        data=data,
        category_codes=categories,
        life_event_codes=data.pop("life_event_codes", []),
    )


def build_catalogue(departments: dict[str, Department]) -> dict[str, Procedure]:
    """A small catalogue: online (per item, fixed fee), counter-only by law, not yet online."""
    services.taxonomy_upsert(
        model=Category, code="gomi", name=_t("ごみ・リサイクル", "Waste"), sort_order=1
    )
    services.taxonomy_upsert(
        model=LifeEvent, code="hikkoshi", name=_t("引っ越し", "Moving"), sort_order=1
    )
    kumin = departments["kumin"]
    return {
        "sodai": make_procedure(
            "sodai-gomi",
            departments["kankyo"],
            category_codes=["gomi"],
            life_event_codes=["hikkoshi"],
        ),
        "juminhyo": make_procedure(
            "juminhyo",
            kumin,
            name=_t("住民票の写し等の交付請求", "Certificate of residence"),
            summary=_t("住民票の写しを郵送で請求します。", "Request a certificate by post."),
            fee_type="fixed",
            fee_amount_yen=300,
            revenue_account_code="13-02-01-01",
            revenue_account_name="使用料及手数料 手数料 総務手数料 戸籍住民基本台帳手数料",
            keywords="",
        ),
        "inkan": make_procedure(
            "inkan-toroku",
            kumin,
            name=_t("印鑑登録", "Seal registration"),
            summary=_t("実印を登録します。", "Register your official seal."),
            fee_type="none",
            fee_amount_yen=None,
            availability="counter_by_law",
            offline_reason=_t(
                "本人確認のため窓口での手続きが必要です（港区印鑑条例）。",
                "Identity must be checked in person (Minato City Seal Ordinance).",
            ),
            keywords="",
        ),
        "inu": make_procedure(
            "inu-toroku",
            kumin,
            name=_t("犬の登録", "Dog registration"),
            summary=_t("犬を飼い始めたら登録します。", "Register a new dog."),
            fee_type="fixed",
            fee_amount_yen=3000,
            revenue_account_code="13-02-04-01",
            revenue_account_name="使用料及手数料 手数料 衛生手数料 犬登録手数料",
            availability="not_yet_online",
            keywords="",
        ),
    }
