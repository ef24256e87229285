"""A consumer's API tests with contract checks added."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import contract
import contract.strategies

PATH = "/api/v2/server-side-api/profile/"
SPECS = Path(__file__).resolve().parents[2] / "specs"
DOCS = [SPECS / "003_adc150077d28c6e1.txt", SPECS / "000_f29c871810a0beae.txt"]
EXAMPLE = {
    "first_name": "Jane", "last_name": "Doe", "gender": "f", "email": "jane.doe@example.com",
    "phone_number": "+1234567890", "birthday": "2000-12-31", "ip_country": "FR", "store_country": "US",
    "store": "app_store", "analytics_disabled": True,
    "custom_attributes": [{"key": "favourite_sport", "value": "yoga"}],
    "installation_meta": {"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "platform": "iOS"},
}


def test_create_profile_as_documented(contract_client):
    """A hand-written test: the docs' own example, then the response checked against the spec."""
    user = f"consumer-{uuid.uuid5(uuid.NAMESPACE_URL, 'example')}"
    response = contract_client.post(PATH, json=EXAMPLE, headers={"adapty-customer-user-id": user})
    assert response.status_code == 200
    contract.assert_conforms(response, "createProfile")
    assert response.json()["data"]["customer_user_id"] == user


@pytest.mark.contract_cases("createProfile", mode="conforming", count=12)
def test_accepted_profiles_conform(case, contract_send):
    """Whatever the server accepts, it must answer as the spec documents."""
    response = contract_send(case)
    if response.is_success:
        contract.assert_conforms(response, case.operation)
    else:
        assert response.status_code < 500, response.text


@pytest.mark.contract_cases("createProfile", mode="violating", count=8, sources=("docs",))
def test_documented_rules_are_enforced(case, contract_send):
    """What the docs pages add to the spec (a 30-item limit, fields that may not be null) holds too."""
    response = contract_send(case)
    assert 400 <= response.status_code < 500, f"{case.label}: accepted with {response.status_code}"


@pytest.mark.contract_cases("createProfile", mode="violating", count=8, sources=("prose",))
def test_prose_limits_are_enforced(case, contract_send):
    """The spec's prose says what the schema does not (30 attributes, key characters, an id header)."""
    response = contract_send(case)
    assert 400 <= response.status_code < 500, f"{case.label}: accepted with {response.status_code}"


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=contract.strategies.cases(SPECS / "adapty-api.yaml", "createProfile", docs=DOCS))
def test_any_profile_the_server_accepts_is_answered_as_documented(case, contract_send):
    """A hypothesis property over generated cases (combinable with your own strategies, shrunk by
    hypothesis): no server error, and whatever is accepted is answered as the spec documents."""
    response = contract_send(case)
    assert response.status_code < 500, f"{response.status_code}: {response.text[:200]}"
    if response.is_success:
        contract.assert_conforms(response, case.operation)
