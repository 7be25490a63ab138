from django.urls import path

from tracker.web import bulk, calendar, inbox, meetings, my_work, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("my/", my_work.my_work, name="my-work"),
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("bulk/status/", bulk.bulk_update, name="initiative-bulk"),
    path("initiatives/<slug:code>/", views.initiative_detail, name="initiative-detail"),
    path("initiatives/<slug:code>/status/", views.update_status, name="initiative-status"),
    path("initiatives/<slug:code>/watch/", views.watch, name="initiative-watch"),
    path("initiatives/<slug:code>/milestones/", views.add_milestone, name="milestone-add"),
    path("initiatives/<slug:code>/milestones/<int:pk>/done/", views.complete_milestone, name="milestone-done"),
    path("initiatives/<slug:code>/milestones/<int:pk>/change/", views.change_milestone, name="milestone-change"),
    path("initiatives/<slug:code>/milestones/<int:pk>/reopen/", views.reopen_milestone, name="milestone-reopen"),
    path("initiatives/<slug:code>/milestones/<int:pk>/delete/", views.delete_milestone, name="milestone-delete"),
    path("indicators/", views.indicator_list, name="indicator-list"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator-detail"),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/plan/", meetings.meeting_plan, name="meeting-plan"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/agenda/", meetings.meeting_agenda, name="meeting-agenda"),
    path("briefing/", views.briefing, name="briefing"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/read/", inbox.mark_read, name="notifications-read"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/<str:secret>.ics", calendar.feed, name="calendar-feed"),
]
