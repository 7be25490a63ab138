"""The lean Django view: the initiatives page from `values()` and orjson, behind the project's whole middleware.

The issue names this shape for scale ("a lean Django view with values() + orjson behind the full middleware stack
~730 req/s, 0.39× the floor") and asks the API to beat it "with authentication, relations and filters on".
Measured here in the same run, it shows what Django alone costs over the floor on this machine with these
relations: no DRF, no API key, no rate limit, no django-filter, no cursor; the status filter and the visibility
rule of an unrestricted key are written in. Served at /bench/lean/initiatives/ under bench.settings only.

`trivial` is Django's own trivial answer, for the fixed cost: the floor's constant body (bench/floor.py) from a
Django view behind the pages' middleware stack, with no key, rate check or DRF. Served at /bench/lean/trivial/.
"""

import orjson
from django.http import HttpResponse

from tracker.api.fast import INITIATIVE_FIELDS, initiative_rows
from tracker.domain.choices import Visibility
from tracker.models import Initiative

__all__ = ["initiatives", "trivial"]

_SHARED = [Visibility.SHARED, Visibility.PUBLIC]


def trivial(request):
    from bench.floor import TRIVIAL_BODY

    return HttpResponse(TRIVIAL_BODY, content_type="application/json")


def initiatives(request):
    size = int(request.GET.get("page_size", 50))
    rows = (
        Initiative.objects.rewrite(False)  # explicit columns: no language rewriting (tracker/api/views.py)
        .filter(visibility__in=_SHARED, status__in=request.GET.getlist("status"))
        .order_by("code")
        .values(*INITIATIVE_FIELDS)[:size]
    )
    body = {"next": None, "results": initiative_rows(rows, request)}
    return HttpResponse(orjson.dumps(body, option=orjson.OPT_UTC_Z), content_type="application/json")
