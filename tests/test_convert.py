"""Other programs get results as plain data: JSON that round-trips exactly."""

import json
from decimal import Decimal as D

from builders import full_allocation, make_submission, make_targets

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


def test_json_says_vetoed_and_every_total_has_two_decimals(scheme):
    """#12: a program reads ``vetoed`` and sees 0.00, not 0, for a total floored at zero."""
    t = make_targets(["1", "2"], scheme)
    subs = [make_submission(scheme, c, full_allocation(scheme)) for c in ("1", "2")]
    a = score(
        scheme,
        t,
        subs,
        findings=[Finding("1", "criticized-by-province", 80), Finding("2", "falsification")],
    )
    data = json.loads(to_json(a))
    by_code = {c["county"]["code"]: c for c in data["counties"]}
    assert by_code["1"]["total"] == "0.00"
    assert by_code["1"]["vetoed"] is False and by_code["2"]["vetoed"] is True
    for c in data["counties"]:
        for key in ("total", "indicator_total", "raw_total", "bonus"):
            assert c[key].split(".")[1].__len__() == 2, (key, c[key])
        assert all(len(g["score"].split(".")[1]) == 2 for g in c["groups"])
    assert from_json(to_json(a), Assessment) == a
