"""Infrastructure tasks."""

from celery import shared_task


@shared_task(name="core.ping")
def ping(token: str) -> str:
    """Answer with the token: proves a worker received, ran and reported a task."""
    return f"pong:{token}"
