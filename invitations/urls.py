from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("", views.InvitationListView.as_view(), name="invitation-list"),
    path("accept/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
]
