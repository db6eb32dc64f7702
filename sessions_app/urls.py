from django.urls import path

from . import roadshow_views, trainer_views, views

app_name = "sessions_app"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="session-list"),
    path("calendar/", views.SessionCalendarView.as_view(), name="session-calendar"),
    path("export.csv", views.SessionExportView.as_view(), name="session-export"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session-create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", views.SessionUpdateView.as_view(), name="session-update"),
    path("sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
    path("sessions/<int:pk>/trainers/", views.SessionTrainersView.as_view(), name="session-trainers"),
    path("sessions/<int:pk>/registration-link/", views.SessionRegistrationLinkView.as_view(), name="session-registration-link"),
    path("roadshows/", roadshow_views.RoadshowListView.as_view(), name="roadshow-list"),
    path("roadshows/new/", roadshow_views.RoadshowCreateView.as_view(), name="roadshow-create"),
    path("roadshows/<int:pk>/edit/", roadshow_views.RoadshowUpdateView.as_view(), name="roadshow-update"),
    path("mine/", trainer_views.TrainerSessionsView.as_view(), name="trainer-sessions"),
    path("mine/calendar-link/", trainer_views.TrainerCalendarTokenView.as_view(), name="trainer-calendar-token"),
    path("ical/<str:token>.ics", trainer_views.TrainerCalendarFeedView.as_view(), name="trainer-feed"),
]
