"""The procedures module's part of /api/v1: one router made of the sub-packages' routers,
mounted by ``config/api.py``."""

from ninja import Router

from minato.procedures.api import applications, catalogue, handoff, staff

router = Router()
for part in (catalogue, applications, handoff, staff):
    router.add_router("", part.router)
