"""Authentication backend: Django's, loading the person's profile with them.

Every signed-in request loads the user; most then read their resident or staff profile
(language and channels for messages, the department for permissions). One LEFT JOIN here
saves a query on each of those requests, and the query's SQL is compiled once per process
(``core.prepared``): building it was most of a signed-in request's floor."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from minato.accounts.models import User
from minato.core.prepared import PreparedLookup

USER_WITH_PROFILE: PreparedLookup[User] = PreparedLookup(
    lambda pk: User._default_manager.select_related("profile", "staff_profile").filter(pk=pk)
)


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        user = USER_WITH_PROFILE.get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
