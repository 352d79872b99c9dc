"""Schemathesis fuzzes every operation in /api/v1/openapi.json: no 5xx, and every response
must match the documented schema, status codes and content types."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Django closes "old" connections when a request starts and ends; inside a test that
    would end the test's transaction on PostgreSQL. Django's test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loading the schema needs no database: the OpenAPI view only describes the routes.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def fuzz_settings(*, max_examples: int) -> settings:
    # Examples share the test's database fixtures on purpose: the API sees real rows.
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )


@pytest.mark.slow
@schema.parametrize()
@fuzz_settings(max_examples=40)
def test_api_as_a_service_account(
    case: schemathesis.Case, service_token: str, alice: object
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {service_token}"}, checks=CHECKS)


@pytest.mark.slow
@schema.parametrize()
@fuzz_settings(max_examples=15)
def test_api_anonymously(case: schemathesis.Case, db: None) -> None:
    case.call_and_validate(checks=CHECKS)
