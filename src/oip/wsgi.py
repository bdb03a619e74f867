"""WSGI entry point for the production server (`oip serve` runs gunicorn on it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
application = get_wsgi_application()
