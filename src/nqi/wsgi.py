"""WSGI entry point (gunicorn nqi.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqi.settings")
application = get_wsgi_application()
