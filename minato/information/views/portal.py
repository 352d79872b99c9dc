"""Public notices: the list with filters, one notice, and the Atom and RSS feeds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control

from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.core.i18n import html_lang
from minato.core.page_cache import cache_for_anonymous
from minato.information import selectors
from minato.information.models import CONTENT_LANGUAGES, Notice

# Anonymous readers (and a CDN in front, in a disaster) may keep a notice page a minute;
# signed-in answers are made private by PrivateResponsesMiddleware whatever this says.
PUBLIC_CACHE_SECONDS = 60
# Each server process also keeps the plain anonymous pages (no filters, no session) this long:
# a crowd opening the list in an emergency costs one render per process every few seconds.
# A withdrawn notice may show that much longer in a process, well within the minute above.
PROCESS_CACHE_SECONDS = 5
PAGE_SIZE = 20
FEED_SIZE = 50
# Reading a notice in a language the site itself does not speak: its own name, for the link.
OTHER_LANGUAGE_NAMES = {"zh": "中文", "ko": "한국어"}


class NoticeFilterForm(AccessibleForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("All")), *Notice.Kind.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[("", gettext_lazy("All")), *Notice.Category.choices],
        required=False,
    )
    area = forms.ChoiceField(
        label=gettext_lazy("Area"),
        choices=[("", gettext_lazy("The whole ward")), *Area.choices],
        required=False,
    )


def _language() -> str:
    return translation.get_language() or "ja"


@cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)
@cache_for_anonymous(PROCESS_CACHE_SECONDS)
def notice_list(request: HttpRequest) -> HttpResponse:
    form = NoticeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    notices = selectors.notices_current(
        kind=filters.get("kind", ""),
        category=filters.get("category", ""),
        area=filters.get("area", ""),
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    language = _language()
    rows = [(notice, *notice.text(language)) for notice in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "information/portal/notices.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "filtered": bool(filters and any(filters.values())),
        },
        status=400 if form.errors else 200,
    )


@cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)
@cache_for_anonymous(PROCESS_CACHE_SECONDS)
def notice_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    notice = selectors.notice_public(public_id)
    if notice is None:
        raise Http404
    wanted = request.GET.get("lang", "")
    language = wanted if wanted in CONTENT_LANGUAGES else _language()
    shown, text = notice.text(language)
    others = [
        (code, OTHER_LANGUAGE_NAMES[code])
        for code in notice.languages
        if code in OTHER_LANGUAGE_NAMES and code != shown
    ]
    ended = notice.ends_at is not None and notice.ends_at <= timezone.now()
    return render(
        request,
        "information/portal/notice.html",
        {
            "notice": notice,
            "text": text,
            "shown_language": shown,
            "untranslated": shown != language,
            "other_languages": others,
            "ended": ended,
        },
    )


class NoticeFeed(Feed):  # type: ignore[type-arg]
    """The current notices in the page's language (Japanese where not translated)."""

    feed_type: type[Rss201rev2Feed | Atom1Feed] = Rss201rev2Feed

    def title(self) -> str:
        return _("Minato City notices")

    def description(self) -> str:
        return _("News, events and emergency notices from Minato City.")

    def link(self) -> str:
        return reverse("information:notices")

    def items(self) -> list[Notice]:
        return list(selectors.notices_current()[:FEED_SIZE])

    def item_title(self, item: Notice) -> str:
        return item.text(_language())[1]["title"]

    def item_description(self, item: Notice) -> str:
        return item.text(_language())[1]["body"]

    def item_link(self, item: Notice) -> str:
        return reverse("information:notice", args=[item.public_id])

    def item_guid(self, item: Notice) -> str:
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Notice) -> datetime:
        return item.starts_at

    def item_updateddate(self, item: Notice) -> datetime:
        return item.updated_at

    def item_categories(self, item: Notice) -> list[str]:
        return [str(item.get_kind_display()), str(item.get_category_display())]

    @property
    def language(self) -> str:  # type: ignore[override]
        # The feed's xml:lang / <language>: BCP 47, as <html lang> (やさしい日本語: ja-x-easy).
        return html_lang()


class NoticeAtomFeed(NoticeFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


rss_feed = cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)(NoticeFeed())
atom_feed = cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)(NoticeAtomFeed())
