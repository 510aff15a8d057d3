"""Partnerships, organisations, people and their memberships: the tenancy of the whole product."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cspr.partnerships.roles import NATIONAL_ROLES, ROLE_CHOICES, Role

NATION_CHOICES = [
    ("england", "England"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern-ireland", "Northern Ireland"),
]


class Partnership(models.Model):
    """A local safeguarding children partnership: the tenant. Its nation picks the bank holidays."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, default="england")
    # Days the partnership office is closed beyond bank holidays, as ISO dates (timescales' extra_closed).
    office_closed_days = models.JSONField(default=list, blank=True)
    # Partnership-level settings for values DOMAIN.md marks [check] (e.g. when the 6-month clock starts).
    timescale_overrides = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An agency within a partnership: council, police force, ICB, NHS trust, school, probation, housing..."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police force"
        ICB = "icb", "Integrated care board"
        NHS_TRUST = "nhs_trust", "NHS trust"
        GP = "gp", "GP practice"
        SCHOOL = "school", "School or education setting"
        PROBATION = "probation", "Probation service"
        HOUSING = "housing", "Housing"
        VOLUNTARY = "voluntary", "Voluntary or community organisation"
        OTHER = "other", "Other agency"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="organisation_name_unique_in_partnership")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_statutory_partner(self) -> bool:
        """The three safeguarding partners: local authority, police and ICB (Children Act 2004 s16E)."""
        return self.kind in {self.Kind.LOCAL_AUTHORITY, self.Kind.POLICE, self.Kind.ICB}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is needed.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class TaskEmails(models.TextChoices):
    """How a person hears of what is waiting for them (issue 12)."""

    IMMEDIATE = "immediate", "An e-mail when something is given to me, and a daily digest"
    DIGEST = "digest", "The daily digest only"


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Identified by work e-mail; what they may see comes only from memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Issue 12: an e-mail when a task is given to them and the daily digest, or the digest only. Changed only
    # through ``partnerships.services.user_set_task_emails`` (audited).
    task_emails = models.CharField(max_length=20, choices=TaskEmails.choices, default=TaskEmails.IMMEDIATE)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(removed_at__isnull=True, user__is_active=True)


class Membership(models.Model):
    """One role a user holds, in one partnership (or nationally for Panel members and system administrators).

    A user may hold several: a business manager of two partnerships, or a reviewer for one and an agency
    contributor for another. Removing someone sets ``removed_at``; the row stays for the audit trail.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in NATIONAL_ROLES), partnership__isnull=True)
                    | (~Q(role__in=sorted(r.value for r in NATIONAL_ROLES)) & Q(partnership__isnull=False))
                ),
                name="membership_national_roles_have_no_partnership",
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "role"],
                condition=Q(removed_at__isnull=True),
                name="membership_unique_active_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.partnership.name if self.partnership else "national"
        return f"{self.user} — {Role(self.role).label} ({where})"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class Invitation(models.Model):
    """An invitation by e-mail to join a partnership in a role. Only the token's hash is stored."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="invitations", null=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal API token. It carries exactly its owner's memberships; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
