#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mra_housing.settings")
    if sys.argv[1:2] == ["allocate"]:
        # The batch model serves no requests and signs nothing: analysts need no SECRET_KEY.
        os.environ.setdefault("ALLOW_INSECURE_SECRET_KEY", "true")
        # The batch model uses no database, model, app or translation: run the command
        # without django.setup(), which imports every app's models, admin and receivers and
        # took most of the command's time (docs/performance.md).
        from allocation.management.commands.allocate import Command

        Command().run_from_argv(sys.argv)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
