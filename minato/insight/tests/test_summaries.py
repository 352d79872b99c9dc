"""The optional summary adapter against a real local HTTP server speaking the OpenAI chat
completions format: what it sends (masked text only), retries, and failures that leave the
analysis done."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from minato.insight.adapters import summaries
from minato.insight.analysis import services as analysis_services
from minato.insight.models import AnalysisRun, Topic


class _Endpoint(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    failures_left = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        if type(self).failures_left:
            type(self).failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        answer = {
            "choices": [
                {
                    "message": {
                        "role": "assistant",
                        "content": " 公園のトイレの清掃を求める声です。 ",
                    }
                }
            ]
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    _Endpoint.received = []
    _Endpoint.failures_left = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_a_summary_is_asked_for_in_the_openai_format(endpoint: str) -> None:
    summariser = summaries.OpenAICompatibleSummariser(url=endpoint, model="local-ja", api_key="k")
    text = summariser.summarise(
        label="公園・トイレ", keywords=["公園", "トイレ"], quotes=["〔氏名〕です。トイレが汚い"]
    )
    assert text == "公園のトイレの清掃を求める声です。"
    sent = _Endpoint.received[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["auth"] == "Bearer k"
    assert sent["body"]["model"] == "local-ja"
    assert "〔氏名〕です。トイレが汚い" in sent["body"]["messages"][1]["content"]


def test_a_server_error_is_retried_then_given_up(endpoint: str) -> None:
    _Endpoint.failures_left = 1
    summariser = summaries.OpenAICompatibleSummariser(url=endpoint, model="m", attempts=2)
    assert summariser.summarise(label="a", keywords=[], quotes=[])
    _Endpoint.failures_left = 5
    with pytest.raises(summaries.SummaryError):
        summariser.summarise(label="a", keywords=[], quotes=[])


def test_it_is_off_unless_configured(settings: Any) -> None:
    settings.INSIGHT_SUMMARY_URL = ""
    assert summaries.configured() is None


@pytest.mark.django_db
def test_failed_summaries_leave_the_topics_without_one(endpoint: str) -> None:
    run = AnalysisRun.objects.create(
        period_start=date(2026, 9, 1), period_end=date(2026, 9, 30), status="done"
    )
    Topic.objects.create(
        run=run,
        label="a",
        size=3,
        x=0,
        y=0,
        keywords=[["公園", 0.5]],
        quotes=[{"voice": "x", "text": "t"}],
    )
    Topic.objects.create(run=run, label="b", size=2, x=0, y=0)
    written = analysis_services.topics_summarise(
        run=run, summariser=summaries.OpenAICompatibleSummariser(url=endpoint, model="m")
    )
    assert written == 2
    assert set(Topic.objects.values_list("summary", flat=True)) == {
        "公園のトイレの清掃を求める声です。"
    }
    _Endpoint.failures_left = 10
    Topic.objects.update(summary="")
    written = analysis_services.topics_summarise(
        run=run,
        summariser=summaries.OpenAICompatibleSummariser(url=endpoint, model="m", attempts=1),
    )
    assert written == 0
    assert set(Topic.objects.values_list("summary", flat=True)) == {""}


@pytest.mark.django_db
def test_a_stranded_run_is_failed_by_housekeeping() -> None:
    from django.utils import timezone

    from minato.insight import housekeeping

    run = AnalysisRun.objects.create(
        period_start=date(2026, 9, 1), period_end=date(2026, 9, 30), status="running"
    )
    AnalysisRun.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - analysis_services.STRANDED_AFTER * 2
    )
    assert housekeeping.run() == {"analyses_failed": 1}
    run.refresh_from_db()
    assert run.status == "failed"
