"""The Django half of the shared-session example. sessionkit reads these settings (see ../server.ts),
so the two sites agree on the secret, the cookie and the session table by construction."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Development only: set SHARED_SECRET_KEY in any real deployment (both sites then read it from here).
SECRET_KEY = os.environ.get("SHARED_SECRET_KEY", "dev-only-example-secret-key-change-me-0123456789abcdef")
SECRET_KEY_FALLBACKS = []  # Django >= 4.1: old keys still accepted while you rotate
DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "django_site.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates"}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "shared.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True

# What sessionkit must line up with (docs/django.md): the db engine (not "cache"), JSON, one cookie.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
SESSION_COOKIE_NAME = "sessionid"
SESSION_COOKIE_DOMAIN = None  # e.g. ".example.com" when the sites live on sibling subdomains
