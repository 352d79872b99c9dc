from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from minato.core.models import AuditEvent
from minato.opendata import selectors, services
from minato.opendata.models import Dataset, DownloadMonth, Resource
from minato.opendata.search import Filter, Query
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db


def test_a_csv_upload_makes_a_utf8_resource_and_its_shift_jis_twin() -> None:
    dataset = factories.dataset(state=Dataset.State.DRAFT)

    resource = factories.csv_resource(dataset, text="名称\n髙輪\n", encoding="cp932")

    twin = resource.variants.get()
    dataset.refresh_from_db()
    assert resource.encoding == "UTF-8" and twin.encoding == "Shift_JIS"
    # Each stored as it is downloaded: UTF-8 with a BOM, and cp932.
    assert bytes(resource.current.content) == "\ufeff名称\n髙輪\n".encode()
    assert bytes(twin.current.content) == "名称\n髙輪\n".encode("cp932")
    assert resource.current.detected_encoding in ("shift_jis", "cp932")
    document = {r["id"]: r for r in dataset.document["resources"]}
    assert document[str(twin.public_id)]["size"] == len("名称\n髙輪\n".encode("cp932"))


def test_an_undecidable_csv_is_refused_and_nothing_is_kept() -> None:
    dataset = factories.dataset(state=Dataset.State.DRAFT)

    with pytest.raises(ValidationError):
        services.resource_upload_add(
            dataset=dataset,
            name={"ja": "壊れた"},
            fmt="CSV",
            content=bytes(range(128, 256)) * 20,
            original_filename="broken.csv",
        )

    assert not Resource.objects.filter(dataset=dataset).exists()


def test_a_pdf_that_is_not_a_pdf_is_refused() -> None:
    dataset = factories.dataset(state=Dataset.State.DRAFT)

    with pytest.raises(ValidationError):
        factories.file_resource(dataset, content=b"<html>not a pdf</html>")


def test_a_new_version_keeps_the_old_one_and_moves_metadata_modified() -> None:
    dataset = factories.dataset()
    resource = dataset.resources.get(variant_of=None)
    before = dataset.metadata_modified

    version = services.resource_upload_version(
        resource=resource, content="名称,緯度,経度\n新しい,35.6,139.7\n".encode()
    )

    dataset.refresh_from_db()
    assert version.number == 2
    assert resource.versions.count() == 2
    assert dataset.metadata_modified > before
    assert dataset.document["resources"][0]["version"] == 2
    assert AuditEvent.objects.filter(action="opendata.resource_version_uploaded").exists()


def test_a_dataset_cannot_be_published_without_a_file() -> None:
    dataset = factories.dataset(state=Dataset.State.DRAFT)
    Resource.objects.filter(dataset=dataset).delete()

    with pytest.raises(ValidationError):
        services.dataset_set_state(dataset=dataset, state=Dataset.State.ACTIVE)


def test_a_bad_name_is_refused() -> None:
    with pytest.raises(ValidationError):
        factories.dataset(name="Not A Name")


def test_search_finds_kanji_by_its_reading_and_full_width_text() -> None:
    factories.dataset(title={"ja": "保育園一覧", "en": "Nurseries"}, tags=["子育て"])
    factories.dataset(title={"ja": "ＡＥＤ設置箇所", "en": "AEDs"})

    by_reading = selectors.datasets_search(Query(terms=("ほいくえん",)))
    by_width = selectors.datasets_search(Query(terms=("aed",)))

    assert [d["title"] for d in by_reading.documents] == ["保育園一覧"]
    assert by_width.count == 1


def test_search_facets_count_the_matching_datasets() -> None:
    organization = factories.organization(name="bosai-test")
    factories.dataset(organization=organization, tags=["防災", "避難所"])
    factories.dataset(organization=organization, tags=["防災"])
    factories.dataset(tags=["子育て"])

    result = selectors.datasets_search(
        Query(filters=(Filter("organization", "bosai-test"),), facet_fields=("tags",))
    )

    assert result.count == 2
    assert result.facets["tags"] == {"防災": 2, "避難所": 1}


def test_drafts_are_not_found_by_public_search() -> None:
    factories.dataset(title={"ja": "下書きのデータ"}, state=Dataset.State.DRAFT)

    assert selectors.datasets_search(Query(terms=("下書き",))).count == 0


def test_a_download_by_a_person_counts_and_one_by_a_bot_does_not() -> None:
    resource = factories.dataset().resources.get(variant_of=None)

    assert services.download_count(resource=resource, user_agent="Mozilla/5.0 (iPhone)")
    assert services.download_count(resource=resource, user_agent="Mozilla/5.0 (iPhone)")
    assert not services.download_count(resource=resource, user_agent="Googlebot/2.1")
    assert not services.download_count(resource=resource, user_agent="")

    assert DownloadMonth.objects.get(resource=resource).count == 2


def test_a_filter_matches_whatever_the_case_on_every_database() -> None:
    factories.dataset(tags=["AED"])

    assert selectors.datasets_search(Query(filters=(Filter("res_format", "csv"),))).count == 1
    assert selectors.datasets_search(Query(filters=(Filter("tags", "aed"),))).count == 1


def test_full_width_tags_are_stored_normalised() -> None:
    dataset = factories.dataset(tags=["ＡＥＤ"])

    assert dataset.tags == ["AED"]


def test_a_deeply_nested_json_upload_is_refused_not_a_crash() -> None:
    dataset = factories.dataset(state=Dataset.State.DRAFT)

    with pytest.raises(ValidationError):
        factories.file_resource(dataset, format="JSON", content=b"[" * 100_000)


def test_pruning_keeps_the_newest_live_versions() -> None:
    dataset = factories.dataset(standard="wifi-spots")
    resource = services.resource_live_add(
        dataset=dataset, live_key="wifi-spots", name={"ja": "一覧"}
    )
    for number in range(2, services.KEEP_LIVE_VERSIONS + 5):
        resource.versions.create(number=number, content=b"x", sha256="0" * 64, size=1)

    services.live_versions_prune()

    numbers = sorted(resource.versions.values_list("number", flat=True))
    assert len(numbers) == services.KEEP_LIVE_VERSIONS
    assert numbers[-1] == services.KEEP_LIVE_VERSIONS + 4


def test_changing_the_standard_grades_the_dataset_again() -> None:
    dataset = factories.dataset()
    assert dataset.quality_grade == ""

    services.dataset_update(dataset=dataset, standard="aed")

    dataset.refresh_from_db()
    assert dataset.quality_grade == "D"  # the sample CSV lacks the required columns
    assert dataset.document["quality_grade"] == "D"
