from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    # public: short Indonesian addresses, printed on the paper and typed by hand
    path("sertifikat/", views.CertificateLookupView.as_view(), name="lookup"),
    path("sertifikat/<str:number>/", views.CertificateVerifyView.as_view(), name="verify"),
    path("sertifikat/saya/<str:token>/", views.PersonalCertificateView.as_view(), name="personal"),
    path("sertifikat/saya/<str:token>/pdf/", views.PersonalCertificatePdfView.as_view(), name="personal-pdf"),
    # staff
    path("certificates/sessions/<int:pk>/", views.SessionCertificatesView.as_view(), name="session"),
    path("certificates/sessions/<int:pk>/issue/", views.SessionCertificatesIssueView.as_view(), name="session-issue"),
    path("certificates/sessions/<int:pk>/all.pdf", views.SessionCertificatesPdfView.as_view(), name="session-pdf"),
    path("certificates/sessions/<int:pk>/all.zip", views.SessionCertificatesZipView.as_view(), name="session-zip"),
    path("certificates/<int:pk>/pdf/", views.CertificatePdfView.as_view(), name="pdf"),
    path("certificates/<int:pk>/revoke/", views.CertificateRevokeView.as_view(), name="revoke"),
]
