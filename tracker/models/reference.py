"""Reference data: sources, regions, organisations and areas of cooperation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.domain import languages
from tracker.domain.choices import OrganisationKind, RegionKind
from tracker.models.base import Bilingual, Cited, Tracked


class Source(Tracked):
    """A document that facts are taken from, e.g. a news agency report."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        date = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        return f"{self.publisher}{date}: {self.title}"


class Region(Bilingual, Tracked, Cited):
    """A country or a region of one, by its ISO 3166 code (BY, RU, RU-LIP)."""

    code = models.CharField(_("ISO code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"), name="region_code_iso_3166"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=RegionKind.values), name="region_kind_valid"),
        ]


class Organisation(Bilingual, Tracked, Cited):
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        # Partners page through every list by last change (`ordering=updated`, the default) to mirror it.
        indexes = [models.Index(fields=["updated_at", "id"], name="organisation_sync_order")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "region"], name="organisation_unique_name_in_region"),
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]

    def __str__(self):
        # A short name only in the reader's own language: "Minprom" in a Russian table would mix the two.
        return languages.own(self, "short_name") or languages.own(self, "name") or self.short_name or self.name


class Area(Bilingual, Tracked, Cited):
    """An area of cooperation, e.g. electric transport or agribusiness."""

    code = models.SlugField(_("code"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
