# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=umkm_program.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip && mkdir -p umkm_program && touch README.md
COPY . .
RUN pip install --no-cache-dir . \
 && DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=localhost python manage.py compilemessages --ignore=.venv -v0 \
 && DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0
RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE 8000
# gthread workers, one process per core with 4 threads (gunicorn reads WEB_CONCURRENCY): why, in docker-compose.yml
# and docs/benchmarks.md ("Issue 16 at a glance").
ENV WEB_CONCURRENCY=2
CMD ["gunicorn", "umkm_program.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "4"]
