from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tracker.api import errors
from tracker.middleware import language
from tracker.middleware.database import database_aware
from tracker.middleware.limits import content_too_large_aware
from tracker.ops import health

admin.site.site_header = _("Cooperation tracker")
admin.site.site_title = _("Cooperation tracker")
admin.site.index_title = _("Administration")
# The model list beside every admin page took 300 px of a 1366 px laptop and pushed the changelists' columns behind a
# sideways scrollbar (#18); the breadcrumbs and the admin's index lead to every model instead.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # Probes (tracker/ops/health.py): liveness without the database, readiness with it.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("tracker.web.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switcher: Django's view, which also saves a signed-in user's choice as their preference.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("tracker.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script served from ?script rather than inline (CONTENT_SECURITY_POLICY).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Unknown API addresses answer problem+json even with DEBUG on (Django's 404 page is HTML).
    re_path(r"^api/", errors.not_found),
]


def _api_aware(status_code, slug, title, detail, fallback):
    def handler(request, *args, **kwargs):
        if request.path.startswith("/api/"):
            return errors.json_problem(request, status_code, slug, title, detail)
        return fallback(request, *args, **kwargs)

    return handler


def _default(name):
    from django.views import defaults

    return getattr(defaults, name)


handler404 = _api_aware(404, "not-found", "Not Found", "No resource at this address.", _default("page_not_found"))
# A database that cannot be reached is a 503, also when a middleware rather than a view ran into it.
handler500 = database_aware(
    _api_aware(500, "server-error", "Server error", "Something went wrong; it was logged.", _default("server_error"))
)
# Form fields over DATA_UPLOAD_MAX_MEMORY_SIZE reach Django's 400 handler; they are a 413.
handler400 = content_too_large_aware(
    _api_aware(400, "bad-request", "Bad Request", "The request could not be read.", _default("bad_request"))
)
handler403 = _api_aware(403, "forbidden", "Forbidden", "You may not do this.", _default("permission_denied"))
