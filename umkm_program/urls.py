from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("schedule/", include("sessions_app.urls")),
    path("partners/", include("partners.urls")),
    path("invitations/", include("invitations.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("participants.urls")),
    path("", include("surveys.urls")),
    path("", include("monitoring.urls")),
    path("", include("core.urls")),
]
