from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("sw.js", views.ServiceWorkerView.as_view(), name="service-worker"),
    path("manifest.webmanifest", views.ManifestView.as_view(), name="manifest"),
    path("offline/", views.OfflineFallbackView.as_view(), name="fallback"),
    path("offline/sync/", views.OfflineSyncView.as_view(), name="sync"),
]
