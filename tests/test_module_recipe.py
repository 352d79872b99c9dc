"""The "add a module" recipe of CONTRIBUTING.md, checked for every ``minato.*`` app.

Each test is one step of the recipe. A new app that skips a step fails here, naming the app
and the step. Where an existing app departs from a step for a good reason, the exception is
listed below with that reason; add one only with a reason a reviewer would accept.
"""

from __future__ import annotations

import ast
import inspect
import pkgutil
import re
from collections.abc import Iterator
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import AppConfig, apps
from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.functional import Promise
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parent.parent
MINATO = ROOT / "minato"

# The layers, lowest first (CONTRIBUTING.md, docs/architecture.md, decision 0008). A module
# imports only from layers below its own; every app not named here is a domain app, the top
# layer, and uses another domain app only through its services and selectors.
LAYERS = {"core": 0, "notifications": 1, "accounts": 2, "payments": 3}
DOMAIN = 4
# The portal is a domain-level app that reaches the other modules only through URL names in
# its templates: in Python it imports core alone.
TEMPLATES_ONLY = {"portal": {"core"}}
# (file, app it imports) that break the layering on purpose.
LAYER_EXCEPTIONS = {
    # The HTTP edge of notifications resolves a recipient and checks the bearer token;
    # nothing in its models, services, tasks or adapters imports accounts (decision 0004).
    ("minato/notifications/api.py", "accounts"): "decision 0004",
    # The residents' page for how they are contacted also edits the order of their channels,
    # which lives on their profile (accounts), through accounts' service.
    ("minato/notifications/views/settings.py", "accounts"): "decision 0004",
    # A broadcast is sent by a department and approved by one of its supervisors: the
    # service and its console pages check staff roles and departments (accounts).
    ("minato/notifications/broadcasts.py", "accounts"): "decision 0004",
    ("minato/notifications/views/staff.py", "accounts"): "decision 0004",
}

# Apps without a services.py/selectors.py anywhere, and why.
NO_SERVICES = {
    "core": "the shared kernel: its writes are named after what they are (audit.record, "
    "outbox.deliver, bulk.update_rows), not after a domain entity",
    "portal": "pages only (the home page and the accessibility statement): no models",
}
NO_SELECTORS = {"portal": NO_SERVICES["portal"]}

# Models without created_at, updated_at or a default ordering, and why.
MODEL_EXCEPTIONS = {
    "core.AuditEvent": "append-only: `occurred_at` is when it was written, and an event is "
    "never updated (save() on an existing row raises)",
    "core.AuditChainHead": "one row (id 1) that only remembers the chain's tip; `updated_at` "
    "is when it last moved, and when it was created means nothing",
    "accounts.User": "Django's user model: `date_joined` is when it was created",
    "insight.SurveyResponse": "an anonymous survey answer keeps no time: when it arrived "
    "would link it to the resident whose invitation was used at that moment",
}

# URL parameters that carry a database id instead of a public_id, slug or reference, and why.
INTEGER_URL_EXCEPTIONS = {
    ("procedures", "delivery_id"): "a console action on a hand-off delivery, looked up among "
    "the deliveries of the application named in the same URL, by staff who may see it",
}

# Apps whose page in docs/modules does not name a benchmark scenario, and why.
NO_BENCHMARK = {
    "notifications": "no page or endpoint of its own under load: delivery runs in the worker. "
    "Its benchmark is the broadcast fan-out, bench/broadcast_fanout.py, not an HTTP scenario "
    "(docs/modules/notifications.md#benchmark)",
}


def minato_apps() -> list[AppConfig]:
    return [config for config in apps.get_app_configs() if config.name.startswith("minato.")]


LABELS = [config.label for config in minato_apps()]


def app_dir(label: str) -> Path:
    return Path(apps.get_app_config(label).path)


def code_files(label: str) -> list[Path]:
    """An app's own Python code: not its tests, not its (frozen) migrations."""
    root = app_dir(label)
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(root).parts)
    ]


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """Each name a module imports, in full: ``from a.b import c`` gives ``a.b.c``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


@cache
def all_modules() -> tuple[ModuleType, ...]:
    """Every module of every minato app, imported (so that subclasses register)."""
    import minato

    found = []
    for info in pkgutil.walk_packages(minato.__path__, "minato."):
        if ".tests" in info.name or ".migrations" in info.name:
            continue
        found.append(import_module(info.name))
    return tuple(found)


def has_module(label: str, name: str) -> bool:
    """``<app>/<name>.py`` or ``<app>/<sub-package>/<name>.py``."""
    root = app_dir(label)
    return (root / f"{name}.py").exists() or any(root.glob(f"*/{name}.py"))


# 1. The app --------------------------------------------------------------------------------


def test_every_app_under_minato_is_installed() -> None:
    on_disk = {path.parent.name for path in MINATO.glob("*/apps.py")}
    assert on_disk == set(LABELS)


@pytest.mark.parametrize("label", LABELS)
def test_the_app_config_is_in_apps_py_with_its_name_and_label(label: str) -> None:
    config = apps.get_app_config(label)
    assert type(config).__module__ == f"minato.{label}.apps"
    assert config.name == f"minato.{label}"
    assert Path(config.path).name == label


# 2. Models ---------------------------------------------------------------------------------


def _models() -> list[type[models.Model]]:
    return [model for label in LABELS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", _models(), ids=lambda model: model._meta.label)
def test_every_model_has_created_at_updated_at_and_an_ordering(model: type[models.Model]) -> None:
    if model._meta.label in MODEL_EXCEPTIONS:
        pytest.skip(MODEL_EXCEPTIONS[model._meta.label])
    fields = {field.name: field for field in model._meta.get_fields()}
    assert getattr(fields.get("created_at"), "auto_now_add", False), "created_at"
    assert getattr(fields.get("updated_at"), "auto_now", False), "updated_at"
    assert model._meta.ordering, "Meta.ordering"


def test_model_exceptions_name_models_that_exist_and_still_need_them() -> None:
    for label in MODEL_EXCEPTIONS:
        model = apps.get_model(label)
        names = {field.name for field in model._meta.get_fields()}
        assert not {"created_at", "updated_at"} <= names, f"{label} no longer needs its exception"


def _url_patterns(
    resolver: URLResolver, namespaces: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], URLPattern, str]]:
    """Every page pattern with its namespaces and its full route."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            for spaces, pattern, route in _url_patterns(entry, inner):
                yield spaces, pattern, str(entry.pattern) + route
        else:
            yield namespaces, entry, str(entry.pattern)


def _app_of(pattern: URLPattern) -> str:
    module = getattr(pattern.callback, "__module__", "") or ""
    return module.split(".")[1] if module.startswith("minato.") else ""


@pytest.mark.parametrize("label", LABELS)
def test_urls_identify_things_by_public_id_slug_or_reference_never_a_database_id(
    label: str,
) -> None:
    found = []
    for _, pattern, route in _url_patterns(get_resolver()):
        if _app_of(pattern) != label:
            continue
        for name in re.findall(r"<int:(\w+)>", route):
            if (label, name) not in INTEGER_URL_EXCEPTIONS:
                found.append(route)
    assert found == []


# 3. Services, selectors and the layers ------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_writes_are_in_services_and_reads_in_selectors(label: str) -> None:
    if label not in NO_SERVICES:
        assert has_module(label, "services"), "services.py (or <sub-package>/services.py)"
    if label not in NO_SELECTORS:
        assert has_module(label, "selectors"), "selectors.py (or <sub-package>/selectors.py)"


def _layer(label: str) -> int:
    return LAYERS.get(label, DOMAIN)


@pytest.mark.parametrize("label", LABELS)
def test_no_module_imports_from_an_app_above_it(label: str) -> None:
    found = []
    for path in code_files(label):
        relative = str(path.relative_to(ROOT))
        for lineno, name in imported_modules(path):
            parts = name.split(".")
            if parts[0] != "minato" or len(parts) < 2 or parts[1] in {label, ""}:
                continue
            other = parts[1]
            if (relative, other) in LAYER_EXCEPTIONS or other not in LABELS:
                continue
            if label in TEMPLATES_ONLY:
                allowed = other in TEMPLATES_ONLY[label]
            elif _layer(other) == DOMAIN and _layer(label) == DOMAIN:
                # between domain apps: only through the other app's services and selectors
                # (``minato.procedures.applications.services`` in a sub-package too)
                allowed = bool({"services", "selectors"} & set(parts[2:]))
            else:
                allowed = _layer(other) < _layer(label)
            if not allowed:
                found.append(f"{relative}:{lineno}: {name}")
    assert found == []


def test_layer_exceptions_are_still_needed() -> None:
    for relative, other in LAYER_EXCEPTIONS:
        names = [name for _, name in imported_modules(ROOT / relative)]
        assert any(name.startswith(f"minato.{other}") for name in names), relative


def test_only_task_modules_import_a_task_module() -> None:
    """Services enqueue through ``outbox.enqueue`` or the task's dotted path: a service that
    imported its tasks.py, which imports the service, made an import cycle."""
    offenders = []
    for path in [*MINATO.rglob("*.py"), *(ROOT / "config").rglob("*.py")]:
        if path.name == "tasks.py" or "tests" in path.parts:
            continue
        if any("tasks" in name.split(".") for _, name in imported_modules(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# 4. Pages and the API -----------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_every_url_module_of_the_app_is_mounted(label: str) -> None:
    mounted = {pattern.lookup_str for _, pattern, _ in _url_patterns(get_resolver())}
    root = app_dir(label)
    found = []
    for path in [*root.glob("urls*.py"), *root.glob("urls/*.py")]:
        module = import_module(
            f"minato.{label}." + ".".join(path.relative_to(root).with_suffix("").parts)
        )
        for pattern in getattr(module, "urlpatterns", []):
            if isinstance(pattern, URLPattern) and pattern.lookup_str not in mounted:
                found.append(f"{path.name}: {pattern.pattern}")
    assert found == []


@pytest.mark.parametrize("label", LABELS)
def test_console_pages_are_in_the_staff_namespace_behind_two_factor(label: str) -> None:
    """Views in ``views/staff.py`` (and the form builder's ``views/builder.py``) are console
    pages: config/urls.py mounts them in the one ``staff`` namespace that
    ``StaffConsoleMiddleware`` guards."""
    found = []
    for spaces, pattern, route in _url_patterns(get_resolver()):
        module = getattr(pattern.callback, "__module__", "") or ""
        is_console = module.startswith(f"minato.{label}.views.") and module.rsplit(".", 1)[1] in {
            "staff",
            "builder",
        }
        if is_console and spaces[:1] != ("staff",):
            found.append(route)
    assert found == []


@pytest.mark.parametrize("label", LABELS)
def test_the_api_router_is_mounted_in_config_api(label: str) -> None:
    if find_spec(f"minato.{label}.api") is None:
        pytest.skip("no API")
    if label == "core":
        pytest.skip("core.api holds the helpers every router uses, no endpoints")
    from config.api import api

    router = import_module(f"minato.{label}.api").router
    assert any(mounted is router for _, mounted in api._routers)


# 5. Templates and messages ------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_templates_sit_under_the_app_label_and_message_texts_under_its_own_group(
    label: str,
) -> None:
    """``templates/<label>/…`` for pages, ``templates/notifications/messages/<label>/…`` for
    the messages the app sends (notifications also holds the API's ``general`` ones)."""
    templates = app_dir(label) / "templates"
    if not templates.exists():
        pytest.skip("no templates")
    assert {path.name for path in templates.iterdir()} <= {label, "notifications"}
    messages = templates / "notifications" / "messages"
    if messages.exists():
        own = {label, "general"} if label == "notifications" else {label}
        assert {path.name for path in messages.iterdir()} <= own
    if label != "notifications":
        assert {path.name for path in (templates / "notifications").glob("*")} <= {"messages"}


@pytest.mark.parametrize("label", LABELS)
def test_message_templates_exist_in_all_three_languages(label: str) -> None:
    messages = app_dir(label) / "templates" / "notifications" / "messages"
    missing = [
        f"{folder.relative_to(messages)}/{language}.txt"
        for folder in sorted(messages.glob("*/*"))
        for language in ("ja", "en", "ja-easy")
        if not (folder / f"{language}.txt").exists()
    ]
    assert missing == []


@pytest.mark.parametrize("label", LABELS)
def test_resident_access_labels_are_translated_and_name_the_apps_own_actions(label: str) -> None:
    labels: dict[str, Any] = getattr(apps.get_app_config(label), "resident_access_labels", {})
    for action, text in labels.items():
        assert action.startswith(f"{label}."), action
        assert isinstance(text, Promise), f"{action}: gettext_lazy"


# 6. What the platform discovers --------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_demo_data_is_a_demo_module_with_load_returning_a_line(label: str) -> None:
    """``load_demo`` runs ``<app>.demo.load()`` for every app that has one (accounts loads its
    own data itself)."""
    if find_spec(f"minato.{label}.demo") is None:
        pytest.skip("no demo data")
    load = import_module(f"minato.{label}.demo").load
    signature = inspect.signature(load)
    assert all(p.default is not p.empty for p in signature.parameters.values())
    assert signature.return_annotation in (str, "str")


@pytest.mark.parametrize("label", LABELS)
def test_housekeeping_is_a_module_with_run_returning_counts(label: str) -> None:
    if label == "core":
        pytest.skip("core's housekeeping module is the runner of the others")
    if find_spec(f"minato.{label}.housekeeping") is None:
        pytest.skip("no housekeeping")
    run = import_module(f"minato.{label}.housekeeping").run
    signature = inspect.signature(run)
    assert not signature.parameters
    assert signature.return_annotation in (dict[str, int], "dict[str, int]")


def _app_of_path(path: str) -> str:
    parts = path.split(".")
    assert parts[0] == "minato" and parts[1] in LABELS, path
    return parts[1]


def test_payable_kinds_are_registered_by_the_domain_apps_that_take_payments() -> None:
    for path in settings.PAYMENTS_PAYABLE_KINDS:
        label = _app_of_path(path)
        assert _layer(label) > LAYERS["payments"], path
        assert path.startswith(f"minato.{label}.payables."), path
        kind = import_string(path)
        assert kind.purpose.startswith(f"{label}."), path
        for method in ("for_payer", "for_staff", "current_amounts"):
            assert callable(getattr(kind, method)), f"{path}.{method}"


def test_readiness_checks_and_periodic_jobs_are_functions_of_installed_apps() -> None:
    """READINESS_CHECKS is ``{name: dotted path}``, PERIODIC_JOBS ``{dotted path: seconds}``."""
    for path in [*settings.READINESS_CHECKS.values(), *settings.PERIODIC_JOBS]:
        _app_of_path(path)
        assert callable(import_string(path)), path


def _outboxes() -> list[Any]:
    from minato.core.outbox import Outbox

    found: list[Any] = []
    for module in all_modules():
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, Outbox) and type(value).__module__ == module.__name__
        ]
    return found


def test_every_outbox_is_sent_by_a_task_of_its_app_and_requeued_by_its_housekeeping() -> None:
    from django_tasks.base import Task

    boxes = _outboxes()
    assert len(boxes) >= 3
    for box in boxes:
        label = type(box).__module__.split(".")[1]
        for path in filter(None, (box.task, box.batch_task)):
            assert path.startswith(f"minato.{label}.tasks."), path
            assert isinstance(import_string(path), Task), path
        housekeeping = app_dir(label) / "housekeeping.py"
        assert "requeue_stranded" in housekeeping.read_text(encoding="utf-8"), label


# 7. Docs, benchmarks and tests ---------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_the_module_has_a_page_linked_from_the_readme_and_the_architecture(label: str) -> None:
    assert (ROOT / "docs" / "modules" / f"{label}.md").exists()
    assert f"(docs/modules/{label}.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"(modules/{label}.md" in architecture
    assert f"`minato.{label}`" in architecture, "a row in the module table"


def _bench_scenarios() -> set[str]:
    """The keys of ``SCENARIOS`` in bench/http_bench.py (read, not imported: it is a script)."""
    tree = ast.parse((ROOT / "bench" / "http_bench.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and ast.unparse(node.target) == "SCENARIOS"
            and isinstance(node.value, ast.Dict)
        ):
            return {key.value for key in node.value.keys if isinstance(key, ast.Constant)}
    raise AssertionError("bench/http_bench.py has no SCENARIOS")


@pytest.mark.parametrize("label", LABELS)
def test_the_module_page_names_its_benchmark_and_where_the_results_are(label: str) -> None:
    if label in NO_BENCHMARK:
        pytest.skip(NO_BENCHMARK[label])
    page = (ROOT / "docs" / "modules" / f"{label}.md").read_text(encoding="utf-8")
    section = page.partition("\n## Benchmark")[2].partition("\n## ")[0]
    assert section, "a '## Benchmark' section"
    assert "(../benchmarks.md" in section
    named = set(re.findall(r"`([a-z_]+)`", section)) & _bench_scenarios()
    assert named, "a scenario of bench/http_bench.py"
    results = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert all(f"`{scenario}`" in results for scenario in named)


@pytest.mark.parametrize("label", LABELS)
def test_the_app_has_its_own_tests(label: str) -> None:
    tests = app_dir(label) / "tests"
    assert (tests / "__init__.py").exists()
    assert list(tests.glob("test_*.py"))
