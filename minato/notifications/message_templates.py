"""The texts of messages: built-in defaults in files, and staff's versions in the database.

Each app ships its messages as ``templates/notifications/messages/<app>/<name>/<language>.txt``
(first line the subject, the rest the body; Django template syntax for placeholders such as
``{{ reference }}`` and conditional text such as ``{% if deadline %}…{% endif %}``). Those are
the defaults. Staff may write their own text for a key, per language and per channel (a
shorter LINE text, say); every save is a new version and the newest is used, so an earlier
text can be brought back. A text may only use the placeholders its built-in text uses (the
code that sends it provides no others), only ``if`` for conditions, and only harmless
filters: anything else is refused when saved, never found when a message is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext as _

from minato.core import audit
from minato.notifications.models import MessageTemplate

# Languages a message may be written in: the site's, plus Chinese and Korean, which the ward
# writes for notices (a message in a language the site does not offer reaches people who
# chose it through the API or a staff-set profile).
TEMPLATE_LANGUAGES = [code for code, _name in settings.LANGUAGES] + ["zh", "ko"]
# Channels a text can be written for ("" is every channel without its own text).
TEMPLATE_CHANNELS = ["", "email", "line", "push", "sms", "inbox"]
# Always available: the site's address.
COMMON_PLACEHOLDERS = frozenset({"site_url"})
ALLOWED_FILTERS = frozenset(
    {"date", "time", "default", "upper", "lower", "yesno", "length", "floatformat", "truncatechars"}
)
SUBJECT_LIMIT = 300
BODY_LIMIT = 10_000

# Messages are plain text: a separate engine without HTML autoescaping, so "&" in a URL
# arrives as "&" and not "&amp;".
TEXT_ENGINE = Engine(
    dirs=[str(d) for d in settings.TEMPLATES[0]["DIRS"]],  # type: ignore[attr-defined]
    app_dirs=True,
    autoescape=False,
)


class InvalidTemplate(ValueError):
    """A text that cannot be saved; the message says why, for the person writing it."""


@dataclass(frozen=True)
class BuiltIn:
    key: str
    # {language: path of the file}
    files: dict[str, Path]

    @property
    def placeholders(self) -> frozenset[str]:
        found: set[str] = set()
        for path in self.files.values():
            found |= placeholders_in(path.read_text(encoding="utf-8"))
        return frozenset(found | COMMON_PLACEHOLDERS)

    def text(self, language: str) -> tuple[str, str]:
        path = self.files.get(language) or self.files.get("ja")
        if path is None:
            return "", ""
        subject, _sep, body = path.read_text(encoding="utf-8").strip().partition("\n")
        return subject.strip(), body.strip()


@cache
def built_ins() -> dict[str, BuiltIn]:
    """Every message key the platform sends, with its built-in text per language."""
    files: dict[str, dict[str, Path]] = {}
    template_dirs: list[Path] = []
    for loader in TEXT_ENGINE.template_loaders:
        template_dirs += [Path(d) for d in loader.get_dirs()]  # type: ignore[attr-defined]
    for directory in template_dirs:
        for path in sorted((directory / "notifications/messages").glob("*/*/*.txt")):
            key = f"{path.parent.parent.name}/{path.parent.name}"
            files.setdefault(key, {}).setdefault(path.stem, path)
    return {key: BuiltIn(key=key, files=found) for key, found in sorted(files.items())}


# A placeholder with a dot (``{{ reference.upper }}``) reaches into a value: not allowed.
DOTTED = "."


def _variable_names(variable: Any) -> set[str]:
    lookups = getattr(variable, "lookups", None)
    if not lookups:
        return set()
    return {DOTTED.join(lookups)}


def _expression_names(expression: FilterExpression) -> tuple[set[str], set[str]]:
    """The placeholders an expression reads, its filters' arguments included, and the
    filters it uses."""
    names = _variable_names(expression.var)
    filters = set()
    for function, arguments in expression.filters:
        filters.add(getattr(function, "_filter_name", function.__name__))
        for is_variable, argument in arguments:
            if is_variable:
                names |= _variable_names(argument)
    return names, filters


def _walk(nodes: list[Node], names: set[str], filters: set[str], tags: set[str]) -> None:
    for node in nodes:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            found, used = _expression_names(node.filter_expression)
            names |= found
            filters |= used
            continue
        if isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                _condition_names(condition, names, filters)
                _walk(list(nodelist), names, filters, tags)
            continue
        tags.add(type(node).__name__)


def _condition_names(condition: Any, names: set[str], filters: set[str]) -> None:
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        found, used = _expression_names(value)
        names |= found
        filters |= used
    for side in ("first", "second"):
        _condition_names(getattr(condition, side, None), names, filters)


def _parse(text: str) -> tuple[set[str], set[str], set[str]]:
    template = TEXT_ENGINE.from_string(text)
    names: set[str] = set()
    filters: set[str] = set()
    tags: set[str] = set()
    _walk(list(template.nodelist), names, filters, tags)
    return names, filters, tags


def placeholders_in(text: str) -> frozenset[str]:
    return frozenset(_parse(text)[0])


def validate(*, key: str, subject: str, body: str) -> None:
    """Refuse a text that would fail or misbehave when sent. Raises ``InvalidTemplate``."""
    built_in = built_ins().get(key)
    if built_in is None:
        raise InvalidTemplate(_("There is no message with this key."))
    subject = subject.strip()
    if not subject or "\n" in subject or len(subject) > SUBJECT_LIMIT:
        raise InvalidTemplate(
            _("The subject must be one line of at most %(limit)s characters.")
            % {"limit": SUBJECT_LIMIT}
        )
    if not body.strip() or len(body) > BODY_LIMIT:
        raise InvalidTemplate(
            _("The text must not be empty or longer than %(limit)s characters.")
            % {"limit": BODY_LIMIT}
        )
    try:
        # Each on its own: a condition opened in the subject must close there.
        subject_parts, body_parts = _parse(subject), _parse(body)
        names, filters, tags = (a | b for a, b in zip(subject_parts, body_parts, strict=True))
    except TemplateSyntaxError as exc:
        raise InvalidTemplate(
            _("The text has a syntax error: %(error)s") % {"error": exc}
        ) from None
    if tags:
        raise InvalidTemplate(_("Only placeholders and “if” conditions may be used in a message."))
    unknown = sorted(names - built_in.placeholders)
    if unknown:
        raise InvalidTemplate(
            _("Unknown placeholders: %(names)s. This message can use: %(allowed)s.")
            % {
                "names": ", ".join(unknown),
                "allowed": ", ".join(sorted(built_in.placeholders)),
            }
        )
    refused = sorted(filters - ALLOWED_FILTERS)
    if refused:
        raise InvalidTemplate(
            _("These filters may not be used in a message: %(names)s.")
            % {"names": ", ".join(refused)}
        )


def current(*, key: str, language: str, channel: str) -> MessageTemplate | None:
    """Staff's newest text for exactly this key, language and channel, if any."""
    return (
        MessageTemplate.objects.filter(key=key, language=language, channel=channel)
        .order_by("-version")
        .first()
    )


def text_for(*, key: str, language: str, channel: str) -> tuple[str, str] | None:
    """The text to send: staff's for the channel, else staff's for every channel; None when
    staff wrote none (the built-in file is used)."""
    rows = MessageTemplate.objects.filter(
        key=key, language=language, channel__in=[channel, ""] if channel else [""]
    ).order_by("-version")
    by_channel: dict[str, MessageTemplate] = {}
    for row in rows:
        by_channel.setdefault(row.channel, row)
    chosen = by_channel.get(channel) or by_channel.get("")
    return (chosen.subject, chosen.body) if chosen is not None else None


def render_text(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render staff's subject and text, each on its own; the subject stays one line."""
    values = Context({**context, "site_url": settings.SITE_URL}, autoescape=False)
    rendered_subject = TEXT_ENGINE.from_string(subject).render(values)
    rendered_body = TEXT_ENGINE.from_string(body).render(values)
    return " ".join(rendered_subject.split()), rendered_body.strip() + "\n"


def sample_context(key: str) -> dict[str, str]:
    """Values for a preview: each placeholder shows its own name, so staff see where it goes."""
    built_in = built_ins().get(key)
    names = built_in.placeholders if built_in else COMMON_PLACEHOLDERS
    return {name: f"«{name}»" for name in sorted(names)}


@transaction.atomic
def template_save(
    *, staff: Any, key: str, language: str, channel: str, subject: str, body: str
) -> MessageTemplate:
    """Save staff's text as the next version for the key, language and channel (checked
    first: nothing is saved if it is refused). Audited with the version."""
    if language not in TEMPLATE_LANGUAGES:
        raise InvalidTemplate(_("Choose a language from the list."))
    if channel not in TEMPLATE_CHANNELS:
        raise InvalidTemplate(_("Choose a channel from the list."))
    validate(key=key, subject=subject, body=body)
    for _attempt in range(3):
        latest = MessageTemplate.objects.filter(
            key=key, language=language, channel=channel
        ).aggregate(latest=Max("version"))["latest"]
        try:
            with transaction.atomic():
                saved = MessageTemplate.objects.create(
                    key=key,
                    language=language,
                    channel=channel,
                    version=(latest or 0) + 1,
                    subject=subject.strip(),
                    body=body.strip() + "\n",
                    created_by=staff,
                )
            break
        except IntegrityError:  # someone saved the same text's next version meanwhile
            continue
    else:
        raise InvalidTemplate(_("Someone else is saving this text. Please try again."))
    audit.record(
        action="notifications.template_saved",
        obj=saved,
        changes={
            "key": [None, key],
            "language": [None, language],
            "channel": [None, channel],
            "version": [latest, saved.version],
        },
    )
    return saved
