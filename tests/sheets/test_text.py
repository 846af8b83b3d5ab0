"""Label normalisation used to match indicator rows written by hand."""

from __future__ import annotations

import pytest

from minsheng import load_scheme
from minsheng.sheets import label_key, unit_of


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("城镇新增就业人数", "城镇新增就业人数"),
        ("城镇新增　就业人数", "城镇新增就业人数"),  # a full-width space typed in the middle
        ("1、城镇新增就业人数", "城镇新增就业人数"),
        ("（一）城镇新增就业人数（人）", "城镇新增就业人数"),
        ("3.2.1 金蓝领工程", "金蓝领工程"),
        ("其中：“阳光工程”（万人）", "阳光工程"),
        ("　　　雨露工程", "雨露工程"),
        ("“4050”人员再就业人数", "4050人员再就业人数"),
        ('"4050"人员再就业人数', "4050人员再就业人数"),
        ("报表按时报送（逾期天数）", "报表按时报送逾期天数"),
        ("2007年", "2007年"),
        ("１２月", "12月"),
    ],
)
def test_label_key(label: str, key: str) -> None:
    assert label_key(label) == key


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("完成数（万人）", "万人"),
        ("完成数(万元)", "万元"),
        ("贷款金额（元）", "元"),
        ("完成率（%）", "%"),
        ("完成率（％）", "%"),
        ("单位：万元", "万元"),
        ("计量单位：亿元", "亿元"),
        ("（单位：人）", "人"),
        ("完成数", None),
        ("填报单位：南昌县劳动局", None),
    ],
)
def test_unit_of(text: str, unit: str | None) -> None:
    assert unit_of(text) == unit


def test_every_scheme_name_and_alias_keeps_a_distinct_key() -> None:
    scheme = load_scheme("jiangxi-2007")
    owners: dict[str, str] = {}
    for ind in scheme.indicators:
        for name in (ind.name, *ind.aliases):
            key = label_key(name)
            assert key, name
            assert owners.setdefault(key, ind.code) == ind.code, f"{name} clashes with {owners[key]}"
