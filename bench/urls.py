"""The project's URLs plus the naive peer at /bench/naive/initiatives/ and the lean Django views at
/bench/lean/initiatives/ and /bench/lean/trivial/ (only under bench.settings)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench.lean import initiatives as lean_initiatives
from bench.lean import trivial as lean_trivial
from bench.naive import NaiveInitiativeViewSet
from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

router = SimpleRouter()
router.register("initiatives", NaiveInitiativeViewSet, basename="naive-initiative")

urlpatterns = [
    path("bench/naive/", include(router.urls)),
    path("bench/lean/initiatives/", lean_initiatives),
    path("bench/lean/trivial/", lean_trivial),
    *project_urlpatterns,
]
