"""The Celery application. Tasks live in each app's tasks.py and take ids, not objects."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mra_housing.settings")

app = Celery("mra_housing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The default app of every thread (a live-server or gunicorn thread too), so that
# core.jobs.task_named finds this app's tasks wherever a service enqueues.
app.set_default()
