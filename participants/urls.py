from django.urls import path

from .views import editing, manage, proposals, public, trainer

app_name = "participants"

urlpatterns = [
    path("trainer/sessions/", trainer.TrainingSessionListView.as_view(), name="trainer-sessions"),
    path("trainer/sessions/<int:pk>/", trainer.TrainingSessionCheckInView.as_view(), name="session-checkin"),
    path("trainer/sessions/<int:pk>/search/", trainer.ParticipantSearchView.as_view(), name="session-search"),
    path("trainer/sessions/<int:pk>/check-in/", trainer.AttendanceCheckInView.as_view(), name="check-in"),
    path("trainer/sessions/<int:pk>/undo-check-in/", trainer.AttendanceUndoCheckInView.as_view(), name="undo-check-in"),
    path("trainer/sessions/<int:pk>/walk-in/", trainer.ParticipantWalkInView.as_view(), name="walk-in"),
    path("trainer/sessions/<int:pk>/matches/", trainer.ParticipantMatchesView.as_view(), name="walk-in-matches"),
    path("trainer/sessions/<int:pk>/close/", trainer.AttendanceCloseView.as_view(), name="close-attendance"),
    path("trainer/sessions/<int:pk>/qr.svg", trainer.SessionQrView.as_view(), name="session-qr"),
    path("trainer/sessions/<int:pk>/sign-up-sheet/", trainer.SessionSignUpSheetView.as_view(), name="sign-up-sheet"),
    path("r/<uuid:token>/", public.SelfRegistrationView.as_view(), name="self-register"),
    path("r/<uuid:token>/done/", public.SelfRegistrationDoneView.as_view(), name="self-register-done"),
    path("participants/", manage.ParticipantListView.as_view(), name="list"),
    path("participants/<int:pk>/", manage.ParticipantDetailView.as_view(), name="detail"),
    path("participants/<int:pk>/personal-data.json", manage.ParticipantPersonalDataExportView.as_view(), name="personal-data"),
    path("participants/<int:pk>/edit/", editing.ParticipantUpdateView.as_view(), name="edit"),
    path("participants/<int:pk>/erase/", manage.ParticipantEraseView.as_view(), name="erase"),
    path("participants/duplicates/", manage.DuplicateCandidateListView.as_view(), name="duplicates"),
    path("participants/duplicates/<int:pk>/", manage.DuplicateCandidateResolveView.as_view(), name="duplicate-resolve"),
    path("participants/proposed-changes/", proposals.ProposedChangeListView.as_view(), name="proposed-changes"),
    path(
        "participants/proposed-changes/<int:pk>/",
        proposals.ProposedChangeDecideView.as_view(),
        name="proposed-change-decide",
    ),
    path("participants/import/", manage.ParticipantImportCreateView.as_view(), name="import"),
    path("participants/import/<int:pk>/", manage.ParticipantImportDetailView.as_view(), name="import-detail"),
    path("participants/import/<int:pk>/progress/", manage.ParticipantImportProgressView.as_view(), name="import-progress"),
    path("participants/import/<int:pk>/confirm/", manage.ParticipantImportConfirmView.as_view(), name="import-confirm"),
    path("participants/export/<str:what>.<str:fmt>", manage.ExportView.as_view(), name="export"),
]
