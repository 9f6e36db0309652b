# Production image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/var/lib/docere STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/docere/media

# WeasyPrint's Pango and HarfBuzz (with the fast subsetter) and the certificate fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The hashed runtime lock (`make lock`): no test tools, and no file whose hash it does not list.
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt
COPY . .

# collectstatic needs settings that load; these values, and the throw-away signing key,
# exist only during the build.
RUN python -m badges.keygen /tmp/build-only-key.pem \
 && DEBUG=0 SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build SITE_URL=https://build OPEN_BADGES_SIGNING_KEY_FILES=/tmp/build-only-key.pem \
    python manage.py collectstatic --noinput \
 && rm /tmp/build-only-key.pem

# The folders the named volumes are mounted on exist, owned by docere: a new volume takes
# their owner, so the `keys` service can write the key and the worker its PDFs.
RUN useradd --system --home /app docere && mkdir -p /var/lib/docere/keys /var/lib/docere/media \
 && chown -R docere /var/lib/docere
USER docere
EXPOSE 8000
CMD ["gunicorn", "lms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
