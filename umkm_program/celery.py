import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_program.settings.local")

app = Celery("umkm_program")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
