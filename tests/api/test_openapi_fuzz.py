"""schemathesis over the whole OpenAPI document: no 5xx, every response matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from nqi.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# A request can be valid for the schema and still be refused by the domain (an unknown country code,
# a duplicate ISO member id): those 422s are correct, so "schema-valid request rejected" is skipped.
DOMAIN_CHECKS = {"excluded_checks": [positive_data_acceptance]}

FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Requests made through WSGI fire request_started/finished, whose handler closes the database
    connection; inside a test transaction that would break every later query (as Django's own
    test client knows, it disconnects the same handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(demo_data, make_user):
    from nqi.core.models import ApiToken
    from nqi.core.roles import ADMINISTRATOR

    _token, key = ApiToken.issue(make_user("fuzz-admin", ADMINISTRATOR), "fuzz")
    return key


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_anonymous_requests_conform(case, demo_data):
    case.call_and_validate(**DOMAIN_CHECKS)


@pytest.mark.django_db
@schema.include(method=["POST", "PATCH", "PUT", "DELETE"]).parametrize()
@FUZZ_SETTINGS
def test_authenticated_writes_conform(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, **DOMAIN_CHECKS)
