"""Neighbourhood associations (町会・自治会) and their digital circular boards (回覧板).

An association has 班 (groups of neighbours) and households. A household is what a paper
回覧板 is passed to, so read receipts and answers are per household, whoever in it reads;
residents link their account to their household with the code the association gives them.
Officers (役員) post circulars — with attachments, a survey, attendance or a yes/no vote —
see who has read them, remind the others and print a copy for households without a
smartphone. The ward posts circulars to every association; in disaster mode an association
can ask each household whether it is safe (安否確認).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minato.core.areas import Area


class Association(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=100)  # 芝二丁目町会
    area = models.CharField(max_length=20, choices=Area.choices)
    # The ward's section that supports it (a 地区総合支所's 協働推進課).
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="associations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "name"]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """A resident who runs the association's board (会長, 回覧板の担当 …)."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="association_offices"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["association", "id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "user"], name="officer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.association} officer {self.user_id}"


class Group(models.Model):
    """A 班: the neighbours a paper circular goes round in turn."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=50)  # 1班
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["association", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="group_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="households"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    # How the officers know it: a family name and a house number, as on the paper list.
    label = models.CharField(max_length=100)
    # Gets the printed copy (no smartphone); officers record its reading and answers.
    paper = models.BooleanField(default=False)
    # Given by the officers (on paper) to link an account to the household.
    join_code = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["association", "group__position", "label"]

    def __str__(self) -> str:
        return self.label


class Member(models.Model):
    """A resident's account linked to their household (several per household)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="household_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "user"], name="member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household} member {self.user_id}"


class Circular(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice (read only)")
        SURVEY = "survey", _("Survey (choose one)")
        ATTENDANCE = "attendance", _("Attendance")
        VOTE = "vote", _("Yes/no vote")
        SAFETY = "safety", _("Safety check (disasters)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None: the ward's circular, to every association's households.
    association = models.ForeignKey(
        Association, null=True, blank=True, on_delete=models.CASCADE, related_name="circulars"
    )
    # For the ward's circulars: the department that posts it.
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=10_000)
    # The choices households answer with (survey: the officer's; the others: fixed).
    options = models.JSONField(default=list, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)  # answers until then
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField()
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def asks(self) -> bool:
        return self.kind != self.Kind.NOTICE


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name in the path: it may hold personal data or odd characters.
    return f"circulars/{instance.circular.public_id}/{instance.public_id}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(max_length=200)  # the uploaded name, shown and downloaded as
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["circular", "id"]

    def __str__(self) -> str:
        return self.name


class Receipt(models.Model):
    """A household has read a circular (and, for one that asks, its answer)."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="receipts")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="receipts")
    read_at = models.DateTimeField()
    # None when an officer recorded it for a household on paper.
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.CharField(max_length=100, blank=True)
    comment = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["circular", "household"]
        constraints = [
            models.UniqueConstraint(fields=["circular", "household"], name="receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.circular_id}/{self.household_id}"
