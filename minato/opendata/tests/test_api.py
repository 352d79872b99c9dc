from __future__ import annotations

from typing import Any

import pytest

from minato.opendata import services
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db


def test_the_monthly_downloads_are_in_the_api_with_the_plans_target(client: Any) -> None:
    resource = factories.dataset(name="counted").resources.get(variant_of=None)
    services.download_count(resource=resource, user_agent="Mozilla/5.0")

    whole = client.get("/api/v1/opendata/downloads", {"months": 3}).json()
    one = client.get("/api/v1/opendata/datasets/counted/downloads").json()

    assert whole["target_per_month"] == 63000
    assert whole["months"][0]["downloads"] == 1
    assert one == whole["months"]


def test_an_unknown_or_malformed_dataset_name_is_a_problem_not_a_500(client: Any) -> None:
    unknown = client.get("/api/v1/opendata/datasets/nothing-here/downloads")
    malformed = client.get("/api/v1/opendata/datasets/NOT%20A%20NAME/downloads")
    too_many = client.get("/api/v1/opendata/downloads", {"months": 1000})

    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert malformed.status_code in (400, 422)
    assert too_many.status_code in (400, 422)
