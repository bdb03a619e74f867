"""WSGI entry point for the production server (`oip serve` runs gunicorn on it)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
application = get_wsgi_application()
# Everything loaded so far (Django, the apps, the catalogue) lives as long as the process: move
# it out of the collector's sight, so a full collection walks only what requests allocate. At
# 1,000,000 notifications a full collection over the loaded modules cost an inbox call ~80 ms
# every 5-8 calls (bench/README.md, "exchange").
gc.freeze()
