from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin logs in through allauth's login page: its rate limits and the second factor apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

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
    path("", include("surveys.urls")),
    path("", include("monitoring.urls")),
    path("", include("certificates.urls")),
    path("", include("core.urls")),
]
