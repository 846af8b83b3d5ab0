"""The catalogue of problem codes: every code a :class:`~minsheng.Problem` may carry.

Each entry gives the stable English code (for programs), its default severity, a short Chinese
title (for the 问题清单 beside the code) and a one-line Chinese explanation (what happened, what
to do). :class:`~minsheng.Problem` refuses a code that is not here, so a new code is added here
first; ``docs/problems.md`` is generated from this list (``python scripts/make_problems_doc.py``).

A plugin's own codes are not listed: a plugin writes them in its own namespace,
``插件名:代码`` (``"wanan:roster-gap"``), and they are accepted as they are.

Nothing here imports another part of minsheng: the model imports the catalogue, not the reverse.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator

from attrs import frozen


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO  # the catalogue's severity column

#: ``插件名:代码``: a code a plugin made up, in its own namespace.
PLUGIN_CODE = re.compile(r"(?P<plugin>[A-Za-z0-9_.-]+):(?P<code>[a-z0-9]+(?:-[a-z0-9]+)*)")
#: the shape of a catalogue code: lower-case words joined by hyphens.
CODE_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


@frozen
class ProblemCode:
    """One entry of the catalogue."""

    code: str
    severity: Severity  # the default; a caller may give another where the case is milder or worse
    title: str  # 标题: a few Chinese words, shown beside the code
    explanation: str  # 说明: one Chinese line, what happened and what to do
    section: str = ""  # the key of the section it is listed under
    retired: bool = False  # kept so old results and old plugins still load; minsheng no longer gives it


@frozen
class Section:
    key: str
    heading: str  # Chinese, for docs/problems.md
    entries: tuple[ProblemCode, ...]


def _section(key: str, heading: str, *rows: tuple) -> Section:
    return Section(key, heading, tuple(ProblemCode(*row[:4], key, *row[4:]) for row in rows))  # type: ignore[call-arg]


# fmt: off
SECTIONS = (
    _section(
        "sheet",
        "打开和读取表格文件（工具箱 SheetError）",
        ("not-a-spreadsheet", _E, "不是表格文件", "文件内容不是 xlsx/xlsm/xlsb/xls/ods（如 Word、PDF、改了扩展名的文本）；请另存为 Excel 或 WPS 表格后报送。"),
        ("old-excel-format", _E, "旧版 Excel 格式", "文件是 Excel 5.0/95 或更早版本的格式，无法读取；请用 Excel/WPS 打开后另存为 .xlsx 再报送。"),
        ("encrypted-workbook", _E, "文件设有密码", "工作簿设置了打开密码，无法读取；请取消密码后重新报送。"),
        ("unreadable-file", _E, "文件已损坏", "是表格文件但已损坏（压缩包不完整、XML 出错或无法打开）；请在 Excel/WPS 中重新保存后报送。"),
        ("too-large", _E, "文件过大（已停用）", "旧代码，已由 file-too-large 和 zip-bomb 取代；新版本不再给出。", True),
        ("file-too-large", _E, "文件过大", "文件大小超过读取限制（Limits.max_file_bytes）；请删去无关内容，或由省里调高限制。"),
        ("zip-bomb", _E, "压缩比异常", "解压后的大小或压缩比超过限制，或压缩包谎报大小，疑似压缩炸弹；请检查文件来源。"),
        ("too-many-members", _E, "压缩包成员过多", "xlsx/ods 压缩包内的文件数超过限制（Limits.max_members）；请重新保存后报送。"),
        ("unsafe-xml", _E, "不安全的 XML", "文件中的 XML 含 DTD 或实体声明（实体炸弹、XXE），拒绝读取；请用 Excel/WPS 重新保存。"),
        ("xml-too-deep", _E, "XML 嵌套过深", "XML 嵌套层数超过限制（Limits.max_xml_depth）；请用 Excel/WPS 重新保存。"),
        ("sheet-too-large", _E, "工作表过大", "工作表中有数据的单元格远至的行、列或其个数超过限制（声明的范围和设了格式的空单元格不算）；请删去多余的内容后报送。"),
        ("unsafe-xml-parser", _E, "缺少安全的 XML 解析", "本机的 openpyxl 不会使用 defusedxml 解析 XML；请安装 defusedxml 后重试。"),
        ("no-such-sheet", _E, "找不到工作表", "工作簿中没有要读取的工作表；请勿改动工作表名称。"),
        ("table-not-found", _E, "找不到表头", "工作表中没有找到应有的表头文字；请使用规定的报表格式，勿改动表头。"),
        ("column-not-found", _E, "找不到栏目（已停用）", "旧代码，已由 plugin-header-mismatch 取代（表头找到了、其中的栏目却没有，是插件的表头设置与报表不符）；新版本不再给出。", True),
        ("plugin-header-mismatch", _E, "插件的表头设置与报表不符", "报表有表头，但插件要找的表头文字不在其中：多半是插件的设置与报表不符；请把此信息转给插件的维护人员，由其按报表的表头改正插件（报表按规定格式填的，县里不必改）。"),
        ("total-row-not-found", _E, "找不到合计行", "各乡镇（单位）逐行填报的表中没有“合计”或“全县”行，取不到全县的数；请在表的末尾加上合计行后报送。"),
        ("no-county-code", _E, "没有县代码", "报表中找不到 6 位“行政区划代码”，无法确定是哪个县的报表；请补填后报送。"),
    ),
    _section(
        "cell",
        "单元格与数值",
        ("error-cell", _E, "单元格是错误值", "单元格是 #DIV/0!、#REF! 等错误值，不能当作空白或 0；请修正公式或改填数值。"),
        ("uncached-formula", _E, "公式没有计算结果", "单元格是公式，但文件中没有保存计算结果；请在 Excel/WPS 中打开、重算并保存，或直接填数值。"),
        ("not-a-number", _E, "不是数字", "应填数字的单元格填了文字、逻辑值或不合常理的数；该格按缺报处理，请改填数值。"),
        ("unit-mismatch", _E, "计量单位不符", "单元格或表头写的单位无法换算成方案规定的单位；请按规定单位填写。"),
        ("subtotal-mismatch", _W, "小计合计不符", "表中的小计或合计行与各行之和不一致；请核对后改正。"),
        ("period-sum-mismatch", _W, "分期数与全年数不符", "各月（季度、半年）的数加起来与全年（累计）数不一致；取全年（累计）数，请核对后改正。"),
        ("bad-date", _E, "日期无法识别", "日期写法无法识别（花名册中该行未计入；报出日期认不出时不计算逾期天数，为警告）；请写成 2007-12-31 或 2007年12月31日。"),
    ),
    _section(
        "roster",
        "花名册",
        ("missing-id", _E, "缺身份证号", "花名册该行没有填身份证号，未计入；请补填。"),
        ("invalid-id", _E, "身份证号有误", "身份证号的位数、出生日期或校验码不对；请核实更正。"),
        ("duplicate-id", _W, "身份证号重复", "同一身份证号在花名册中出现多次，只计一次；请核实是否重复录入。"),
        ("out-of-year", _I, "不在本年度", "该行日期不在考核年度内，未计入本年。"),
        ("unknown-category", _W, "类别不认识", "该行的类别不属于任何统计类别，未分类计数；请按规定类别填写。"),
    ),
    _section(
        "form",
        "标准报表",
        ("not-standard-form", _E, "不是标准报表", "文件中没有标准报表的表头；请使用省里下发的报表。"),
        ("form-no-county", _E, "报表没有县代码", "标准报表上没有 6 位县（市、区）代码；请补填后报送。"),
        ("form-no-year", _W, "报表没有年度", "报表未填写年度，按本次考核年度读取；请核实。"),
        ("form-scheme-mismatch", _W, "报表方案不同", "报表是按另一个考核方案制作的，指标按代码对应读取；请核实。"),
        ("form-no-indicators", _E, "报表没有指标行", "报表中找不到任何指标行；请使用省里下发的报表，勿改动指标代码栏。"),
    ),
    _section(
        "targets",
        "目标任务表",
        ("not-targets-workbook", _E, "不是目标任务表", "文件中没有“目标任务”工作表或其表头；请用 minsheng template targets 生成的表。"),
        ("targets-no-year", _E, "目标任务表没有年度", "目标任务表和考核方案中都没有年度；请在表中填写年度。"),
        ("duplicate-indicator", _E, "指标列重复", "同一指标在表头中出现两列；请删去其中一列。"),
        ("bad-county-code", _E, "县代码有误", "县（市、区）代码不是 6 位数字，该行不读；请改正。"),
        ("duplicate-county", _E, "县代码重复", "同一县（市、区）代码出现多行，只读第一行；请删去重复行。"),
        ("negative-target", _E, "目标为负数", "下达的目标是负数，该格不用；请改正。"),
        ("allocation-mismatch", _W, "分解目标不符", "各县目标之和不等于全省合计；请核对分解数。"),
        ("bad-count", _E, "次数有误", "督查发现的次数不是正整数；请改正。"),
        ("finding-incomplete", _E, "督查发现不完整", "督查发现的一行填了内容，却没有县代码和项目，无法处理；请补全或删去该行。"),
    ),
    _section(
        "scheme",
        "考核方案",
        ("unknown-scheme", _E, "没有这个方案", "没有这个名称的内置考核方案；请用列出的方案名，或给出方案文件的路径。"),
        ("scheme-not-found", _E, "找不到方案文件", "考核方案文件不存在；请检查路径。"),
        ("scheme-unreadable", _E, "方案文件无法读取", "考核方案文件无法读取（权限或编码问题）；请检查文件。"),
        ("scheme-syntax", _E, "方案格式错误", "考核方案文件不是有效的 TOML；请按提示的行列改正。"),
        ("missing-parameter", _E, "方案缺少参数", "考核方案缺少必需的项目或参数；请补上。"),
        ("bad-parameter", _E, "方案参数有误", "考核方案的参数不是数字、超出范围或写法不对；请按说明改正。"),
        ("unknown-rule", _E, "计分规则不认识", "指标的计分规则（rule）不是已知的规则；请改为文档列出的规则之一。"),
        ("duplicate-code", _E, "编号重复", "指标组、指标或共性项目的编号重复；请改为唯一编号。"),
        ("weight-mismatch", _E, "分值不符", "指标分值之和不等于指标组分值，或各组之和不等于总分；请核对。"),
        ("unknown-part", _E, "其中项不认识", "“其中”项不是本方案中的指标，或指标把自己列为其中项；请改正。"),
        ("unknown-calculator", _E, "测算方法不认识", "指标的政策测算方法（calculator）不是已知的方法；请改正。"),
        ("grade-bands", _E, "等次设置有误", "等次缺失、重叠、上下限不对或引用了未定义的等次；请改正 [[grades]]。"),
    ),
    _section(
        "checks",
        "报表检查",
        ("late-submission", _W, "逾期报送", "收文登记的收到日期（没有时为报出日期）晚于截止日期；逾期天数由考核办计算，按方案扣分。"),
        ("lateness-claim-ignored", _W, "逾期天数以考核办为准", "县里在逾期天数指标中填的数与考核办按收文登记或报出日期算出的不同；以考核办计算的为准。"),
        ("no-indicator-values", _E, "没有读到指标数值", "插件认领了文件，却没有读到任何一个指标的数值；该县按出错处理，不予评分，请核对报表或插件。"),
        ("negative-value", _E, "完成数为负", "指标的实际完成数是负数；请核实后改正。"),
        ("implausible-value", _W, "完成数不合常理", "完成数远超目标，常见于填错单位（万人/人、万元/元）；请核实。"),
        ("parts-exceed-total", _E, "其中项超过总数", "“其中”各项之和大于总数；其中项不能超过总数，请核对。"),
        ("outlier-value", _W, "完成率异常", "完成率远高于其他县的中位数；请核实。"),
        ("self-score-mismatch", _W, "自评分与考评不符", "县里的自评分与考评得分（计分指标的得分加超额加分；总分不含督查扣分）相差超过 0.01 分；供核对，不影响得分。"),
    ),
    _section(
        "scoring",
        "评分",
        ("missing-value", _E, "缺报", "应填报的指标未填报（空白不等于 0）；按缺报处理，请补报实际完成数。"),
        ("not-applicable-refused", _E, "不得自报不考核", "县里把省里考核的指标（有目标、扣分、否决或固定标准的）填为“—”；只有目标任务表中不考核的才可填，按缺报处理，请填报实际数。"),
        ("unexpected-not-applicable", _E, "有目标却填不适用", "旧代码，已由 not-applicable-refused 取代；新版本不再给出。", True),
        ("declared-not-applicable", _W, "填报为不适用", "旧代码，已由 not-applicable-refused 取代：县里不能自报不考核。", True),
        ("unknown-indicator", _W, "指标不认识", "报表或目标任务表中有本方案没有的指标，已忽略；请核对指标编号。"),
        ("unknown-finding", _E, "督查项目不认识", "督查发现的项目不是本方案的共性扣分或否决项目，未处理；请核对。"),
        ("unknown-county", _E, "县不在目标任务表中", "县（市、区）代码不在目标任务表中，未计分；请核对代码。"),
        ("wrong-year", _W, "年度不符", "报表年度与本次考核年度不同；请确认报送的是本年度报表。"),
        ("not-submitted", _W, "未报送", "该县没有报送报表，按缺报处理。"),
        ("county-mismatch", _E, "文件名与内容不是同一个县", "文件名上的县与报表内容中的县代码不一致；该文件不计入任何县，请核实后重新报送。"),
        ("duplicate-submission", _E, "重复报送", "同一县同一期报送了多份报表，暂不评分；请只保留一份后重新考核。"),
        ("conflicting-values", _E, "多份文件数值不一致", "同一县报送的几份文件对同一指标填了不同的数，无法确定以哪份为准，暂不评分；请核对两处单元格，改正后重新报送。"),
        ("corrected-submission", _I, "更正报表替代原报表", "同一县同一格式的报表报送了更正版（文件名或标题含“更正”“修订”，或报出日期更晚），按更正后的计分，原报表不计入。"),
    ),
    _section(
        "calculators",
        "政策测算（8.1、8.2、8.3、9.1 等按基础数测算的指标）",
        ("policy-value-ignored", _W, "政策参数以方案为准", "县里填报的政策参数与考核方案规定的不同；政策参数由方案统一规定，按方案测算，请核实。"),
        ("default-applied", _I, "按默认值测算", "测算所需的某项基础数未填报，按考核方案规定的默认值测算；如与实际不符，请补报。"),
        ("burden-input-missing", _W, "缺少基金缺口测算数", "测算县级自负的基金缺口所需的数未填报（空白不等于 0）；该指标按基金收入计分，不受影响，请补报。"),
        ("nothing-due", _I, "本年无应考核事项", "按政策测算的应到位金额为 0，该指标按不考核处理，其分值不计入参评分值。"),
    ),
    _section(
        "plugins",
        "插件",
        ("plugin-blocked", _I, "插件已屏蔽", "插件按 MINSHENG_BLOCK_PLUGINS 的设置屏蔽，未加载。"),
        ("plugin-import-error", _E, "插件无法加载", "插件导入或注册时出错，已跳过；请把信息转给插件维护人员。"),
        ("plugins-dir-not-found", _E, "找不到插件目录", "--plugins-dir 给出的目录不存在；请检查路径。"),
        ("plugin-duplicate-name", _E, "插件重名", "两个插件同名，后加载的已跳过；请给其中一个改名。"),
        ("plugin-unmarked-hook", _W, "钩子缺少标记", "插件中的 minsheng_ 函数没有 @hookimpl 标记，不会被调用；请加上标记。"),
        ("plugin-no-hooks", _W, "插件没有钩子", "插件没有实现任何钩子，不会起作用。"),
        ("plugin-unknown-hook", _E, "钩子名称不存在", "插件实现了不存在的钩子（多半是拼错），它不会被调用；请改正名称。"),
        ("plugin-error", _E, "插件出错", "插件处理文件时出错或返回了无法使用的结果，该文件已跳过；请把信息转给插件维护人员。"),
        ("plugin-not-found", _E, "没有这个插件", "要求用某个插件读取，但没有加载这个名称的插件；请检查插件名称或安装。"),
        ("no-plugin", _E, "没有插件认领", "没有插件认出这个文件的格式；请确认是本县报表且格式未改动，或为它编写插件。"),
        ("ambiguous-plugin", _E, "多个插件认领", "几个插件以同样的把握认领同一文件，无法确定由谁读取；请屏蔽其中一个。"),
        ("file-unreadable", _E, "文件无法打开", "插件框架无法打开文件以判断由谁读取；请确认文件存在、未被占用且是表格文件。"),
    ),
    _section(
        "run",
        "运行",
        ("input-not-found", _E, "找不到报表", "给出的报表文件或目录不存在；请检查路径。"),
        ("skipped-file", _I, "已跳过非表格文件", "报表目录中的这个文件不是表格文件，已跳过。"),
        ("read-failed", _E, "读取进程出错", "读取该文件的工作进程异常退出，该县按出错处理；请检查文件后重试。"),
        ("time-budget", _E, "读取超时", "读取时间超过限制（Limits.time_budget），已停止；请检查文件是否异常庞大。"),
        ("memory-budget", _E, "读取内存超限", "读取所需内存超过限制（Limits.memory_budget），已停止；请检查文件是否异常庞大。"),
        ("read-crashed", _E, "读取进程崩溃", "读取该文件的进程意外终止（读取程序或插件崩溃）；请把文件转给技术人员检查。"),
    ),
    _section(
        "lookback",
        "历年结果（assess --history）",
        ("history-skipped", _W, "历年结果未采用", "--history 目录中的文件无法读取、不是 minsheng 的结果，或属于另一考核方案、另一年度，已跳过、未混入比较；请检查该文件。"),
        ("history-unused", _I, "历年结果未用到", "该结果与本次考核无关（如更早年度的考核，或本方案不计入年终的序时进度通报），未采用。"),
        ("history-duplicate", _W, "历年结果重复", "同一考核方案、同一期有多份结果，只用文件名排在最前的一份；请删去多余的。"),
        ("history-no-previous", _I, "没有上年结果", "--history 目录中没有上年同一考核方案的考核结果，不作同比。"),
    ),
    _section(
        "progress",
        "序时进度（月报、季报）",
        ("wrong-period", _E, "报告期不符", "报表的报告期与本次考核或通报的期别不同，该文件未采用；请报送本期（1 月至本期末累计）的报表。"),
        ("period-not-stated", _W, "报表未写报告期", "报表没有填写报告期，按本次通报的期别读取；请核实并在“报告期”处填写。"),
        ("bad-period", _W, "报告期无法识别", "报表的报告期写法无法识别，按未填写处理；请写成“2007年1—6月累计”或“2007-06”。"),
        ("bad-schedule", _E, "进度计划有误", "目标任务表“进度计划”工作表中某个指标的计划进度无法使用（不是 0～100 的百分数，或累计进度减少），该指标按序时进度 N/12 判断；请改正。"),
    ),
    _section(
        "input",
        "无法开始考核的输入（InputError，退出码 2）",
        ("scheme-invalid", _E, "考核方案无法使用", "考核方案无法载入；请按提示改正方案文件或名称。"),
        ("targets-not-found", _E, "找不到目标任务表", "目标任务表不存在；请检查路径。"),
        ("targets-unreadable", _E, "目标任务表无法读取", "目标任务表无法打开或不是目标任务表；请用 minsheng template targets 生成的表。"),
        ("targets-invalid", _E, "目标任务表有错误", "目标任务表中有错误（已逐条列出）；请改正后重试。"),
        ("submissions-not-found", _E, "找不到报表", "给出的报表文件或目录不存在；请检查路径。"),
        ("submissions-empty", _E, "报表目录中没有表格", "给出的报表目录里没有任何表格文件（.xlsx .xls .xlsm .ods）；请检查路径。"),
        ("bad-argument", _E, "参数不对", "调用时某个参数不是可用的值；请按说明改正。"),
        ("no-workers", _E, "集群没有工作节点", "Dask 调度器上没有可用的工作节点，未读取任何报表；请先启动 dask worker 并连接到调度器。"),
        ("worker-plugins-differ", _E, "工作节点插件不同", "Dask 工作节点上的 minsheng 或县级插件与本机不同（缺少或版本不同），未读取任何报表；请在每个工作节点上安装相同的版本。"),
        ("history-not-found", _E, "找不到历年结果目录", "--history 给出的目录不存在；请检查路径。"),
    ),
    _section(
        "output",
        "输出文件（不写入，退出码 2）",
        ("output-exists", _E, "输出文件已存在", "同名文件已存在，未覆盖；要替换请加 --force，或换一个文件名。"),
        ("output-suffix", _E, "输出文件扩展名不对", "输出文件的扩展名与写出的格式不符（如工作簿应为 .xlsx）；请改正文件名。"),
        ("output-folder-missing", _E, "输出文件夹不存在", "要保存输出文件的文件夹不存在；请先建立该文件夹或换一个位置。"),
        ("output-locked", _E, "输出文件正被打开", "输出文件正在 Excel/WPS 中打开（或无法替换）；请关闭后重试，原文件未改动。"),
        ("output-not-writable", _E, "输出位置无法写入", "没有权限或位置只读，无法写入；请换一个位置保存，原文件未改动。"),
    ),
)
# fmt: on

#: code → entry, every code minsheng itself gives (and the retired ones).
CATALOGUE: dict[str, ProblemCode] = {e.code: e for s in SECTIONS for e in s.entries}


class UnknownProblemCode(ValueError):
    """A problem code that is neither in the catalogue nor in a plugin's namespace."""

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(
            f"问题代码“{code}”不在问题代码目录中：请先把它加入 minsheng/problems.py 的目录"
            f"（代码、严重程度、标题、说明），再运行 python scripts/make_problems_doc.py；"
            f"插件自己的代码请写成“插件名:代码”，如“wanan:{code}”。"
        )


def plugin_namespace(code: str) -> str | None:
    """The plugin a namespaced code belongs to (``"wanan"`` for ``"wanan:roster-gap"``), else None."""
    m = PLUGIN_CODE.fullmatch(code)
    return m.group("plugin") if m else None


def lookup(code: str) -> ProblemCode:
    """The catalogue entry of ``code``; a plugin's namespaced code gets a generic entry.

    Raises :class:`UnknownProblemCode` (a ``ValueError``) for any other code.
    """
    entry = CATALOGUE.get(code) if isinstance(code, str) else None
    if entry is not None:
        return entry
    plugin = plugin_namespace(code) if isinstance(code, str) else None
    if plugin is None:
        raise UnknownProblemCode(code)
    return ProblemCode(
        code, Severity.ERROR, f"插件“{plugin}”报告的问题", "由该插件定义，见插件的说明。", "plugin"
    )


def check_code(code: str) -> str:
    """``code`` itself if a problem may carry it; :class:`UnknownProblemCode` otherwise."""
    lookup(code)
    return code


def default_severity(code: str) -> Severity:
    return lookup(code).severity


def title(code: str) -> str:
    """The Chinese title shown beside the code (for a plugin's code, which plugin gave it)."""
    return lookup(code).title


def section_codes(key: str) -> tuple[str, ...]:
    """The codes listed under one section, retired ones included, in catalogue order."""
    return tuple(e.code for s in SECTIONS if s.key == key for e in s.entries)


# ---------------------------------------------------------------------------------------------
# docs/problems.md


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """docs/problems.md: the catalogue as Chinese tables, one per section."""
    return "\n".join(_markdown_lines()) + "\n"


def _markdown_lines() -> Iterator[str]:
    yield "# 问题代码一览"
    yield ""
    yield "<!-- 本文件由 `python scripts/make_problems_doc.py` 从 src/minsheng/problems.py 生成，请勿手改。 -->"
    yield ""
    yield (
        f"minsheng 给出的每个问题都带一个稳定的英文代码（供程序使用）和一段中文说明。共 {len(CATALOGUE)} 个代码"
        f"（其中 {sum(e.retired for e in CATALOGUE.values())} 个已停用）；"
        "严重程度为默认值，个别情形下会更轻或更重（如“其中”项超过总数在读表时为警告，在检查时为错误）。"
    )
    yield "考核工作簿的“问题清单”在代码旁写出标题。"
    yield ""
    yield (
        "插件自己定义的代码写成“插件名:代码”（如 `wanan:roster-gap`），不在本表中，"
        "问题清单的标题为“插件“wanan”报告的问题”。"
    )
    for section in SECTIONS:
        yield ""
        yield f"## {section.heading}"
        yield ""
        yield "| 代码 | 严重程度 | 标题 | 说明 |"
        yield "|---|---|---|---|"
        for e in section.entries:
            yield f"| `{e.code}` | {SEVERITY_LABELS[e.severity]} | {_cell(e.title)} | {_cell(e.explanation)} |"
