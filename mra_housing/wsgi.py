"""WSGI entry point (gunicorn mra_housing.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mra_housing.settings")

application = get_wsgi_application()
