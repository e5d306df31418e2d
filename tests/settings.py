"""Settings for the test suite: the product's settings with development defaults filled in."""

import os

os.environ.setdefault("NQI_DEBUG", "1")
os.environ.setdefault("NQI_EMAIL_URL", "locmem:")

from nqi.settings import *  # noqa: F403

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
