"""contract.core.sentinel: one MISSING, shared by validation and generation."""

from __future__ import annotations

import copy
import pickle

import jsonschema_rs

from contract.core.sentinel import MISSING, Missing
from contract.generate import violations
from contract.validate import MISSING as VALIDATE_MISSING
from contract.validate.messages import MISSING as MESSAGES_MISSING


def test_one_sentinel_everywhere():
    assert VALIDATE_MISSING is MISSING
    assert MESSAGES_MISSING is MISSING
    assert violations.MISSING is MISSING
    assert MISSING is Missing.MISSING


def test_survives_copies_and_pickling_as_itself():
    assert copy.deepcopy(MISSING) is MISSING
    assert copy.deepcopy({"body": MISSING})["body"] is MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING


def test_is_no_json_value():
    assert MISSING is not None and MISSING != "MISSING" and repr(MISSING) == "MISSING"
    # jsonschema-rs reads an enum member by its value: a string value would pass `type: string`.
    validator = jsonschema_rs.Draft202012Validator({"type": "string"})
    try:
        accepted = validator.is_valid(MISSING)
    except ValueError:
        accepted = False
    assert not accepted
