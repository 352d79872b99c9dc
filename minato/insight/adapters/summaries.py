"""Optional topic summaries from an OpenAI-compatible chat endpoint (a ward's own model server,
or a contracted service). Off by default: the analysis needs no network and no model.

Only what the analysis page already shows leaves the platform: the topic's label, its
distinctive words and three quotes, all masked. A failure never fails the analysis; the
topic simply has no summary.

``INSIGHT_SUMMARY_URL`` (e.g. ``http://127.0.0.1:8080/v1``), ``INSIGHT_SUMMARY_MODEL`` and
``INSIGHT_SUMMARY_API_KEY`` (or its ``_FILE``) switch it on.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

PROMPT = (
    "あなたは港区の広聴担当職員です。区民の声を分類したトピックについて、"
    "キーワードと代表的な声をもとに、区の職員向けに2文以内の日本語で要約してください。"
    "個人を特定する情報は書かないでください。"
)


class SummaryError(Exception):
    pass


class Summariser(Protocol):
    def summarise(self, *, label: str, keywords: list[str], quotes: list[str]) -> str: ...


class OpenAICompatibleSummariser:
    """POST {url}/chat/completions, as the OpenAI API and its compatible servers take it."""

    def __init__(
        self, *, url: str, model: str, api_key: str = "", timeout: float = 30.0, attempts: int = 3
    ) -> None:
        self.url = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.attempts = attempts

    def summarise(self, *, label: str, keywords: list[str], quotes: list[str]) -> str:
        content = "\n".join(
            [f"トピック: {label}", f"キーワード: {'、'.join(keywords)}", "代表的な声:"]
            + [f"- {quote}" for quote in quotes]
        )
        body = json.dumps(
            {
                "model": self.model,
                "messages": [
                    {"role": "system", "content": PROMPT},
                    {"role": "user", "content": content},
                ],
                "temperature": 0.2,
                "max_tokens": 300,
            }
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    answer = json.loads(response.read())
                return str(answer["choices"][0]["message"]["content"]).strip()[:1000]
            except urllib.error.HTTPError as exc:
                # A 4xx other than rate limiting will not get better by asking again.
                if (exc.code < 500 and exc.code != 429) or attempt == self.attempts:
                    raise SummaryError(f"the endpoint answered {exc.code}") from None
            except (
                urllib.error.URLError,
                TimeoutError,
                OSError,
                ValueError,
                KeyError,
                IndexError,
            ) as exc:
                if attempt == self.attempts:
                    raise SummaryError(f"no usable answer: {type(exc).__name__}") from None
            time.sleep(0.5 * 2 ** (attempt - 1))
        raise SummaryError("no answer")  # pragma: no cover (the loop returns or raises)


def configured() -> Summariser | None:
    url = getattr(settings, "INSIGHT_SUMMARY_URL", "")
    if not url:
        return None
    return OpenAICompatibleSummariser(
        url=url,
        model=settings.INSIGHT_SUMMARY_MODEL,
        api_key=settings.INSIGHT_SUMMARY_API_KEY,
    )
