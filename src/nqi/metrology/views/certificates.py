"""Pages: certificates."""

from __future__ import annotations

from django.urls import path  # noqa: F401

urlpatterns: list = []
public_urlpatterns: list = []
