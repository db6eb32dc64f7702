from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.SurveyAnswerView.as_view(), name="answer"),
    path("surveys/sessions/<int:pk>/feedback/", views.SessionFeedbackView.as_view(), name="session-feedback"),
]
