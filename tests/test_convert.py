"""Other programs get results as plain data: JSON that round-trips exactly."""

import json
from decimal import Decimal as D

from conftest import full_allocation, make_submission, make_targets

from minsheng import (
    Assessment,
    Finding,
    Scheme,
    Submission,
    from_json,
    score,
    structure,
    to_json,
    unstructure,
)


def test_assessment_round_trips_through_json(scheme):
    t = make_targets(["1", "2"], scheme)
    a = score(
        scheme,
        t,
        [make_submission(scheme, "1", full_allocation(scheme), **{"5.1": "123.45"})],
        findings=[Finding("1", "criticized-by-city")],
    )
    text = to_json(a)
    assert from_json(text, Assessment) == a
    data = json.loads(text)
    first = data["counties"][0]
    assert first["county"]["code"] == "1" and first["status"] == "scored"
    assert first["total"] == "100.00"  # Decimals as strings, never floats
    assert isinstance(data["counties"][1]["total"], type(None))


def test_scheme_and_submission_round_trip(scheme):
    assert structure(unstructure(scheme), Scheme) == scheme
    sub = make_submission(scheme, "1", full_allocation(scheme))
    assert structure(json.loads(json.dumps(unstructure(sub))), Submission) == sub


def test_json_is_deterministic(scheme):
    t = make_targets(["1", "2", "3"], scheme)
    subs = [make_submission(scheme, c, full_allocation(scheme), **{"1.1": str(50 + int(c))}) for c in "123"]
    assert to_json(score(scheme, t, subs)) == to_json(score(scheme, t, list(reversed(subs))))
    assert unstructure(D("1.10")) == "1.10"
