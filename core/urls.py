from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/none/", views.NoRoleView.as_view(), name="home-no-role"),
    path("home/admin/", views.AdminHomeView.as_view(), name="home-admin"),
    path("home/coordinator/", views.CoordinatorHomeView.as_view(), name="home-coordinator"),
    path("home/trainer/", views.TrainerHomeView.as_view(), name="home-trainer"),
    path("home/policy/", views.PolicyHomeView.as_view(), name="home-policy"),
    path("home/ksp/", views.KspHomeView.as_view(), name="home-ksp"),
    path("healthz", views.healthz, name="healthz"),
]
