"""A file no plugin claims says so, and points at hidden sheets where the data may hide."""

from openpyxl import Workbook

from minsheng.plugins import read_county_file


def test_no_plugin_names_hidden_sheets(tmp_path):
    wb = Workbook()
    wb.active.title = "封面"
    hidden = wb.create_sheet("真实数据")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "城镇新增就业人数"
    path = tmp_path / "某县.xlsx"
    wb.save(path)
    result = read_county_file(path, year=2007)
    assert result.submission is None
    [problem] = result.problems
    assert problem.code == "no-plugin"
    assert "隐藏的工作表（真实数据）" in problem.message


def test_no_plugin_without_hidden_sheets_says_nothing_about_them(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "无关的表"
    path = tmp_path / "其他.xlsx"
    wb.save(path)
    [problem] = read_county_file(path, year=2007).problems
    assert problem.code == "no-plugin" and "隐藏" not in problem.message
