"""The data card (``README.md`` of the data package), written from the package descriptor.

English first, then the same card in Simplified Chinese (``## 中文说明``); every number in either
comes from the descriptor or the row counts, never from the text.
"""
from __future__ import annotations

from cidi.formatting import Formatter

F, FZ = Formatter("en"), Formatter("zh")  # every number in the card goes through the one formatter

LOAD_SNIPPETS = [
    "```python",
    "import pandas as pd",
    'scores = pd.read_csv("scores.csv", dtype={"adcode": str})',
    "```",
    "",
    "```r",
    'scores <- read.csv("scores.csv", colClasses = c(adcode = "character"))',
    "```",
    "",
    "```sql",
    "-- DuckDB",
    "SELECT province, total, rank FROM 'scores.parquet' ORDER BY rank;",
    "```",
    "",
    "```python",
    "from frictionless import Package",
    'package = Package("datapackage.json")',
    'rows = package.get_resource("scores").read_rows()',
    "```",
]


def chinese_columns(tables: list[dict], separator: str) -> str:
    """The Chinese columns of the tables, in order of first appearance: `a`, `b`."""
    names = dict.fromkeys(f["name"] for r in tables for f in r["schema"]["fields"] if f["name"].endswith("_zh"))
    return separator.join(f"`{name}`" for name in names)


def data_card(descriptor: dict, rows: dict[str, int], citation: str, citation_zh: str,
              province_zh: dict[str, str]) -> str:
    """Markdown data card; ``rows`` maps resource name to its number of data rows and
    ``province_zh`` an English province name to its Chinese name."""
    return "\n".join(english(descriptor, rows, citation) + chinese(descriptor, rows, citation_zh, province_zh))


def english(descriptor: dict, rows: dict[str, int], citation: str) -> list[str]:
    verification = descriptor["cidi:verification"]
    robust = descriptor["cidi:robustness"]
    tables = [r for r in descriptor["resources"] if r["format"] == "csv"]
    lines = [
        f"# {descriptor['title']}",
        "",
        f"Version {descriptor['version']} · licence {descriptor['licenses'][0]['title']} "
        f"({descriptor['licenses'][0]['name']}) · {len(tables)} tables, each as CSV and Parquet.",
        "",
        descriptor["description"],
        "",
        "A Chinese version of this card follows the English one: [中文说明](#中文说明).",
        "",
        "## Files",
        "",
        "| Resource | Rows | Description |",
        "|---|---:|---|",
    ]
    for resource in tables:
        lines.append(f"| `{resource['path']}` | {rows[resource['name']]} | {resource['description']} |")
    lines += [
        "",
        "Every table is also published as `.parquet` with identical rows. `datapackage.json` holds a",
        "Table Schema per table (types, units, constraints, primary and foreign keys) and a Chinese title",
        "and description (`cidi:title_zh`, `cidi:description_zh`) for the package, every table and every",
        f"field. Chinese columns stand beside the English ones: {chinese_columns(tables, ', ')}.",
        "`SHA256SUMS` lists a checksum for every file; `cidi-data.zip` holds the whole package, with",
        "`datapackage.json` at its root (frictionless opens the zip directly). `cidi-data.xlsx` is every",
        "table in one workbook for Excel and WPS (a sheet per table, adcode as text). `LICENSE.txt` is the",
        "licence text and `CITATION.cff` says how to cite the data.",
        "`provenance/` has the transcription record of every source (what, where in the report, how",
        "it was transcribed and checked, known issues).",
        "",
        "## Load it",
        "",
        *LOAD_SNIPPETS,
        "",
        "## Verification",
        "",
        f"The six dimension scores of each of the {verification['provinces']} provinces add up to the published total",
        f"within {F.score(verification['largest_residual'])} points (largest residual: "
        f"{', '.join(verification['largest_residual_provinces'])}); {verification['exact_totals']} totals match",
        "exactly. Published ranks are "
        + ("consistent" if verification["ranks_match_published_totals"] else "NOT consistent")
        + " with published totals.",
        "",
        "## Robustness settings",
        "",
        f"{F.count(robust['replications'])} Monte Carlo replications, weights perturbed by ±{F.share(robust['weight_spread'], 0)},",
        f"arithmetic or geometric aggregation with probability {F.share(robust['geometric_share'], 0)} each, seed {robust['seed']}.",
        "",
        "## Source and citation",
        "",
        f"Source: {descriptor['sources'][0]['title']}. The scores are the report's; this compilation,",
        "the computed indices and the robustness analysis are the project's.",
        "",
        "Cite as:",
        "",
        f"> {' '.join(citation.split())}",
        "",
        "## Caveats",
        "",
        "- One edition (2017) only; scores are relative and cannot be compared across years.",
        "- The raw indicators and their normalisation are not published; the dimension scores appear",
        "  to be already weighted (each at most its weight in points), an inference from the numbers.",
        f"- The report gives China a national score of {F.figure(descriptor['cidi:national_score']['value'])} but does not explain",
        "  how the provincial scores relate to it.",
        "- Hong Kong, Macao and Taiwan are not assessed by the report.",
        "",
    ]
    return lines


def chinese(descriptor: dict, rows: dict[str, int], citation_zh: str, province_zh: dict[str, str]) -> list[str]:
    """The Chinese section: the English card's content and numbers, in Simplified Chinese."""
    verification = descriptor["cidi:verification"]
    robust = descriptor["cidi:robustness"]
    tables = [r for r in descriptor["resources"] if r["format"] == "csv"]
    licence = descriptor["licenses"][0]
    largest = "、".join(province_zh[name] for name in verification["largest_residual_provinces"])
    lines = [
        "## 中文说明",
        "",
        f"**{descriptor['cidi:title_zh']}**",
        "",
        f"版本 {descriptor['version']} · 许可协议：{licence['cidi:title_zh']}（{licence['name']}）· "
        f"共{len(tables)}张表，每张表均提供 CSV 和 Parquet 两种格式。",
        "",
        descriptor["cidi:description_zh"],
        "",
        "### 文件",
        "",
        "| 资源 | 行数 | 说明 |",
        "|---|---:|---|",
    ]
    for resource in tables:
        lines.append(f"| `{resource['path']}` | {rows[resource['name']]} | "
                     f"**{resource['cidi:title_zh']}**：{resource['cidi:description_zh']} |")
    lines += [
        "",
        # one line per paragraph: a line break inside Chinese text renders as a stray space
        "每张表同时以 `.parquet` 格式发布，行与 CSV 完全相同。`datapackage.json` 为每张表提供表结构"
        "（Table Schema：类型、单位、约束、主键和外键），并为数据包、每张表和每个字段提供中文标题"
        f"（`cidi:title_zh`）和中文说明（`cidi:description_zh`）。中文列与英文列并列：{chinese_columns(tables, '、')}。"
        "维度标识（如 `infrastructure`）是代码，其中文名称见 `dimensions.csv` 的 `name_zh` 列。",
        "",
        "`SHA256SUMS` 列出每个文件的校验和；`cidi-data.zip` 包含整个数据包，`datapackage.json` 位于压缩包根目录"
        "（frictionless 可直接打开该压缩包）。`cidi-data.xlsx` 是供 Excel 和 WPS 使用的工作簿，每张表一个工作表，"
        "adcode 以文本保存。`LICENSE.txt` 是许可协议全文，`CITATION.cff` 说明引用方式。`provenance/` 目录收录"
        "每个来源的转录记录（内容、在报告中的位置、转录与核对方法、已知问题）。",
        "",
        "### 读取数据",
        "",
        *LOAD_SNIPPETS,
        "",
        "### 核验",
        "",
        f"{verification['provinces']}个省份各自的六个维度得分之和与公布的总分相差不超过"
        f"{FZ.score(verification['largest_residual'])}分（残差最大的省份：{largest}）；"
        f"其中{verification['exact_totals']}个总分完全吻合。公布的排名与公布的总分"
        + ("一致" if verification["ranks_match_published_totals"] else "不一致（请注意）")
        + "。",
        "",
        "### 稳健性设置",
        "",
        f"共进行{FZ.count(robust['replications'])}次权重模拟（蒙特卡洛方法）：每个权重随机上下浮动最多{FZ.share(robust['weight_spread'], 0)}，"
        f"以几何平均合成的模拟占{FZ.share(robust['geometric_share'], 0)}，其余用算术平均；随机种子为{robust['seed']}。",
        "",
        "### 来源与引用",
        "",
        f"来源：{descriptor['sources'][0]['cidi:title_zh']}。得分取自该报告；本数据集的整理、派生指标和"
        "稳健性分析由本项目完成。",
        "",
        "引用格式：",
        "",
        f"> {' '.join(citation_zh.split())}",
        "",
        "### 注意事项",
        "",
        "- 只有一个年度（2017年）的数据；得分是相对值，不能与以后年度直接比较。",
        "- 报告未公布底层指标及其标准化方法；各维度得分看来已经加权（每项满分即其权重），"
        "这是根据数字作出的推断。",
        f"- 报告给出的全国得分为{FZ.figure(descriptor['cidi:national_score']['value'])}分，但没有说明各省得分与它的关系。",
        "- 报告未对香港、澳门和台湾进行评估。",
        "",
    ]
    return lines
