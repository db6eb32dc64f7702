from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("schedule/", include("monitoring.schedule_urls")),  # sessions_app.urls plus the overview
    path("partners/", include("partners.urls")),
    path("invitations/", include("invitations.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("offline.urls")),
    path("", include("participants.urls")),
    path("", include("monitoring.urls")),
    path("", include("certificates.urls")),
    path("", include("core.urls")),
]
