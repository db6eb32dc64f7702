from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/none/", views.NoRoleView.as_view(), name="home-no-role"),
    path("healthz", views.healthz, name="healthz"),
]
