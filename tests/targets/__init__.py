"""Test targets written for the tests: live APIs with known behaviour and switchable contract faults."""
