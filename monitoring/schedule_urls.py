"""The schedule's URLs (/schedule/, namespace sessions_app) with the programme overview added.

The overview page lives in monitoring (it shows progress's roll-up), but keeps the URL and name it
always had: /schedule/overview/, sessions_app:programme-overview. sessions_app may not import
monitoring, so the namespace is put together here, above both, and umkm_program/urls.py
includes this module for /schedule/.
"""

from django.urls import path

from sessions_app.urls import app_name
from sessions_app.urls import urlpatterns as schedule_urlpatterns

from .overview_views import ProgrammeOverviewView

urlpatterns = [
    *schedule_urlpatterns,
    path("overview/", ProgrammeOverviewView.as_view(), name="programme-overview"),
]

__all__ = ["app_name", "urlpatterns"]
