"""The /api/v1 application: one NinjaAPI, each module's router mounted on it."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from minato.accounts.api import router as accounts_router
from minato.bookings.api import router as bookings_router
from minato.core.api.errors import install as install_error_handlers
from minato.core.api.errors import mark_problem_content_types
from minato.core.api.rendering import OffsetJSONRenderer
from minato.core.api.schemas import declare_storable_text
from minato.information.api import router as information_router
from minato.insight.api import router as insight_router
from minato.navigator.api import router as navigator_router
from minato.notifications.api import router as notifications_router
from minato.opendata.api import router as opendata_router
from minato.payments.api import router as payments_router
from minato.procedures.api import router as procedures_router
from minato.reports.api import router as reports_router


class MinatoAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """``<module>_api_<function>`` (``minato_procedures_api_procedure_list``), whether a
        module keeps its endpoints in ``api.py`` or splits them over an ``api/`` package:
        generated clients name their methods after these ids, so moving code keeps them."""
        module = operation.view_func.__module__
        if ".api." in module:
            module = module[: module.index(".api.") + len(".api")]
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        return declare_storable_text(mark_problem_content_types(schema))


api = MinatoAPI(
    title="Minato City digital services API",
    version="1.0.0",
    description=(
        "Open API of the Minato City (港区) digital-services platform. Errors are RFC 9457 "
        "problem+json documents. Lists are paginated with `limit` and `offset`. Creating "
        "POSTs accept an `Idempotency-Key` header. Times are ISO 8601 with an offset."
    ),
    urls_namespace="api-v1",
    renderer=OffsetJSONRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", notifications_router)
api.add_router("", procedures_router)
api.add_router("", payments_router)
api.add_router("", bookings_router)
api.add_router("", information_router)
api.add_router("", reports_router)
api.add_router("", opendata_router)
api.add_router("", navigator_router)
api.add_router("", insight_router)
