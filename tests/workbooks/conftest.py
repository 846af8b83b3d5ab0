"""Shared fixtures: a small province scored in code (no mocks), for every workbook test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from wbhelpers import ID_NUMBER, INJECTION

from minsheng import (
    County,
    Finding,
    InputFile,
    Problem,
    Provenance,
    Rule,
    Severity,
    Submission,
    Targets,
    Value,
    load_scheme,
    score,
)

COUNTIES = (
    County("360102", "东湖区", "360100", "南昌市"),
    County("360103", "西湖区", "360100", "南昌市"),
    County("360121", "南昌县", "360100", "南昌市"),
    County("360402", "濂溪区", "360400", "九江市"),
    County("360403", "浔阳区", "360400", "九江市"),
)


@pytest.fixture(scope="session")
def scheme():
    return load_scheme("jiangxi-2007")


def allocation(scheme, scale: int) -> dict[str, D | None]:
    out: dict[str, D | None] = {}
    for ind in scheme.indicators:
        if not ind.needs_target:
            continue
        if ind.unit == "%":
            out[ind.code] = D("4.5") if ind.code == "2.1" else D(100)
        elif ind.unit == "万元":
            out[ind.code] = D("1250.50") * scale
        else:
            out[ind.code] = D(1000 * scale)
    return out


def values_for(scheme, alloc, fraction: D, county: str) -> dict[str, Value]:
    values = {}
    for row, ind in enumerate(scheme.indicators, start=8):
        prov = Provenance(
            file=f"{county}.xlsx",
            sheet="报表",
            cell=f"E{row}",
            plugin="standard-form",
            plugin_version="0.1.0",
        )
        if ind.rule in (Rule.DEDUCT, Rule.VETO):
            values[ind.code] = Value.of(0, prov)
        elif ind.rule is Rule.BINARY:
            values[ind.code] = Value.of(ind.threshold, prov)
        elif ind.rule is Rule.INFO:
            values[ind.code] = Value.of(100, prov)
        elif alloc.get(ind.code) is None:
            continue
        elif ind.rule is Rule.CEILING:
            values[ind.code] = Value.of(alloc[ind.code], prov)
        else:
            values[ind.code] = Value.of((alloc[ind.code] * fraction).quantize(D("0.01")), prov)
    return values


def make_targets(scheme):
    allocations = {c.code: allocation(scheme, i + 1) for i, c in enumerate(COUNTIES)}
    allocations["360121"]["7.4"] = None  # 不考核
    province = {
        code: sum((a[code] for a in allocations.values() if a.get(code) is not None), D(0))
        for code in allocations["360102"]
    }
    return Targets(year=2007, counties=COUNTIES, allocations=allocations, province=province)


def make_assessment(scheme, targets):
    subs = []
    fractions = {"360102": D("1.25"), "360103": D("0.95"), "360121": D("0.80"), "360402": D("1.0")}
    for code, fraction in fractions.items():
        alloc = targets.allocations[code]
        values = values_for(scheme, alloc, fraction, code)
        if code == "360103":
            values["1.2"] = Value.missing(Provenance(file="360103.xlsx", sheet="报表", cell="E9"))
        subs.append(
            Submission(
                county=code,
                year=2007,
                values=values,
                self_scores={"1.1": D("6"), "1.2": D("3.5")},
                source=Provenance(
                    file=f"{code}.xlsx", sheet="报表", plugin="standard-form", plugin_version="0.1.0"
                ),
            )
        )
    findings = [
        Finding(
            "360402",
            "falsification",
            1,
            f"{INJECTION} 举报人身份证 {ID_NUMBER}",
            Provenance(file="targets.xlsx", sheet="督查发现", cell="C3"),
        ),
        Finding(
            "360121",
            "criticized-by-province",
            1,
            "通报",
            Provenance(file="targets.xlsx", sheet="督查发现", cell="C4"),
        ),
    ]
    problems = [
        Problem(
            "duplicate-id",
            f"花名册中身份证号 {ID_NUMBER} 重复出现",
            severity=Severity.WARNING,
            county="360103",
            file=INJECTION,
            sheet="花名册",
            cell="B7",
            plugin="standard-form",
        )
    ]
    inputs = [
        InputFile(f"{code}.xlsx", f"{i:064x}", code, "standard-form", "0.1.0")
        for i, code in enumerate(fractions)
    ]
    return score(
        scheme,
        targets,
        subs,
        findings=findings,
        problems=problems,
        inputs=inputs,
        assessed_on=dt.date(2008, 1, 20),
    )


@pytest.fixture(scope="session")
def targets(scheme):
    return make_targets(scheme)


@pytest.fixture(scope="session")
def assessment(scheme, targets):
    return make_assessment(scheme, targets)
