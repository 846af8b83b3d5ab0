"""#12 item 14: region lists as Chinese Excel and WPS save them."""

import pytest

from minsheng import County
from minsheng.regions import parse_regions, read_regions_file
from minsheng.workbooks import read_regions

ROWS = "360121,南昌县,360100,南昌市\r\n360281,乐平市,360200,景德镇市\r\n"
EXPECTED = (
    County("360121", "南昌县", "360100", "南昌市"),
    County("360281", "乐平市", "360200", "景德镇市"),
)
HEADERS = [
    "县代码,县（市、区）,设区市代码,设区市",
    "县（市、区）代码,县（市、区）名称,设区市代码,设区市名称",
    "行政区划代码,县(市、区),市代码,设区市",
    "county_code,county_name,city_code,city_name",
]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("header", HEADERS)
def test_encodings_and_chinese_headers(tmp_path, encoding, header):
    path = tmp_path / "区划.csv"
    path.write_bytes((header + "\r\n" + ROWS).encode(encoding))
    assert read_regions_file(path) == EXPECTED
    assert read_regions(path) == list(EXPECTED)  # what `minsheng template targets --regions` reads


def test_columns_in_another_order_and_extra_columns():
    text = "序号,设区市,县（市、区）,县代码\n1,南昌市,南昌县,360121\n"
    assert parse_regions(text) == (County("360121", "南昌县", "", "南昌市"),)


def test_missing_columns_are_named_in_chinese():
    with pytest.raises(ValueError, match="区划表缺少列"):
        parse_regions("名字,备注\n南昌县,\n")


def test_cli_template_targets_reads_a_gbk_regions_list(tmp_path):
    from click.testing import CliRunner

    from minsheng.cli import main
    from minsheng.workbooks import read_targets

    regions = tmp_path / "区划.csv"
    regions.write_bytes(("县代码,县（市、区）,设区市代码,设区市\r\n" + ROWS).encode("gbk"))
    out = tmp_path / "目标任务表.xlsx"
    result = CliRunner().invoke(main, ["template", "targets", "--regions", str(regions), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from minsheng import load_scheme

    targets, _, _ = read_targets(out, load_scheme("jiangxi-2007"))
    assert targets.counties == EXPECTED
