from django.urls import path

from . import api, views

urlpatterns = [
    path("monitoring/ksp/", views.ProgressOverviewView.as_view(), name="monitoring-ksp"),
    path("monitoring/ksp/report.pdf", views.ProgressReportPdfView.as_view(), name="monitoring-ksp-pdf"),
    path("monitoring/dashboard/", views.ProgressDashboardView.as_view(), name="monitoring-dashboard"),
    path("monitoring/dashboard/export.xlsx", views.ProgressExportView.as_view(), {"fmt": "xlsx"}, name="monitoring-export-xlsx"),
    path("monitoring/dashboard/export/<slug:slug>.csv", views.ProgressExportView.as_view(), name="monitoring-export-csv"),
    path("monitoring/trained/", views.ParticipantTrainedListView.as_view(), name="monitoring-trained"),
    path("monitoring/sessions/", views.TrainingSessionListView.as_view(), name="monitoring-sessions"),
    path("api/v1/progress/", api.ProgressApiView.as_view(), name="api-progress"),
]
