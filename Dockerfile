# Production image: gunicorn serves the site; the same image runs the worker, beat and migrations.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
# torch first, CPU build: sentence-transformers would otherwise pull a multi-GB CUDA build.
RUN pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu \
    && pip install .
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 \
    && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v 0
# The volumes take these folders' owner, so the app user can write uploads.
RUN mkdir -p /app/media /app/private_media \
    && useradd --create-home otonari && chown -R otonari /app
USER otonari
EXPOSE 8000
CMD ["gunicorn", "otonari.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
