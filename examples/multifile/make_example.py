"""生成“一个县报送几份文件”的示例：复制示例省份的报表，再改两个县。

- 东湖区（360102）不报标准报表，改报两份文件：分项汇总表（不含培训人数）和培训花名册（只含培训人数），
  数值与原来的标准报表相同：合并后评分与示例省份一致，每个数记着自己的文件和单元格；
- 西湖区（360103）在标准报表之外又报了一份培训花名册，其中城镇职业技能培训多出 10 人：
  两份文件数值不一致（conflicting-values），该县暂不评分。

用法：

    python examples/multifile/make_example.py 输出目录
    minsheng assess 输出目录 --targets examples/jiangxi-2007/目标任务表.xlsx \\
        --plugins-dir examples/multifile/plugins -o 考核结果.xlsx
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from attrs import evolve

from minsheng import PluginConfig, Value, load_scheme
from minsheng.plugins import PluginHost

HERE = Path(__file__).resolve().parent
PROVINCE = HERE.parent / "jiangxi-2007" / "报表"


def make_example(out: Path) -> Path:
    """Copy the example province's reports to ``out`` and make the two counties' files; return ``out``."""
    if out.exists():
        raise SystemExit(f"“{out}”已存在；请换一个目录。")
    shutil.copytree(PROVINCE, out)
    scheme = load_scheme("jiangxi-2007")
    host = PluginHost.from_config(PluginConfig(plugins_dir=str(HERE / "plugins"), entry_points=False))
    city = out / "南昌市"

    donghu = city / "360102-东湖区-2007年民生工程报表.xlsx"
    sub = host.read(donghu, "standard-form", scheme, 2007).submission
    assert sub is not None
    host.write_sample("summary_sheet", city / "360102-东湖区-民生工程分项汇总表.xlsx", sub, scheme)
    host.write_sample("training_roster", city / "360102-东湖区-职业培训花名册.xlsx", sub, scheme)
    donghu.unlink()

    xihu = city / "360103-西湖区-2007年民生工程报表.xlsx"
    sub = host.read(xihu, "standard-form", scheme, 2007).submission
    assert sub is not None and sub.values["3.1"].amount is not None
    more = Value.of(sub.values["3.1"].amount + 10)
    host.write_sample(
        "training_roster",
        city / "360103-西湖区-职业培训花名册.xlsx",
        evolve(sub, values={**sub.values, "3.1": more}),
        scheme,
    )
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("用法：python examples/multifile/make_example.py 输出目录")
    print(make_example(Path(sys.argv[1])))
