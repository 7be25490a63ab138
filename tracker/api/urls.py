from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tracker.api import views, webhooks

app_name = "api"

router = SimpleRouter()
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("indicator-links", views.IndicatorLinkViewSet, basename="indicator-link")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("regions", views.RegionViewSet, basename="region")
router.register("areas", views.AreaViewSet, basename="area")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("initiatives/<slug:code>/journal/", views.JournalView.as_view(), name="initiative-journal"),
    path("indicators/<slug:code>/observations/", views.ObservationsView.as_view(), name="indicator-observations"),
    path("observations.csv", views.ObservationsExportView.as_view(), name="observations-export"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("", include(router.urls)),
]
