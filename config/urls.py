from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Cooperation tracker")
admin.site.site_title = _("Cooperation tracker")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
]
