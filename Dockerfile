# Image for web, worker and beat (docker-compose.yml). Dependencies come from the lock file.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never PATH="/opt/venv/bin:$PATH"
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN pip install --no-cache-dir "uv==0.13.8" && uv sync --frozen --no-dev --python /usr/local/bin/python
COPY . .
RUN SECRET_KEY=build-only STATIC_MANIFEST=true python manage.py collectstatic --no-input
RUN useradd --create-home mra && mkdir -p /data/media && chown mra /data/media
USER mra
EXPOSE 8000
CMD ["gunicorn", "mra_housing.wsgi", "--bind", "0.0.0.0:8000"]
