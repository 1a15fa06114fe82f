"""The data card (``README.md`` of the data package), written from the package descriptor."""
from __future__ import annotations


def data_card(descriptor: dict, rows: dict[str, int], citation: str) -> str:
    """Markdown data card; ``rows`` maps resource name to its number of data rows."""
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
        "Table Schema per table (types, units, constraints, primary and foreign keys). `SHA256SUMS`",
        "lists a checksum for every file; `cidi-data.zip` holds the whole package.",
        "`provenance/` has the transcription record of every source (what, where in the report, how",
        "it was transcribed and checked, known issues).",
        "",
        "## Load it",
        "",
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
        "",
        "## Verification",
        "",
        f"The six dimension scores of each of the {verification['provinces']} provinces add up to the published total",
        f"within {verification['largest_residual']:.2f} points (largest residual: "
        f"{', '.join(verification['largest_residual_provinces'])}); {verification['exact_totals']} totals match",
        "exactly. Published ranks are "
        + ("consistent" if verification["ranks_match_published_totals"] else "NOT consistent")
        + " with published totals.",
        "",
        "## Robustness settings",
        "",
        f"{robust['replications']:,} Monte Carlo replications, weights perturbed by ±{robust['weight_spread']:.0%},",
        f"arithmetic or geometric aggregation with probability {robust['geometric_share']:.0%} each, seed {robust['seed']}.",
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
        f"- The report gives China a national score of {descriptor['cidi:national_score']['value']} but does not explain",
        "  how the provincial scores relate to it.",
        "- Hong Kong, Macao and Taiwan are not assessed by the report.",
        "",
    ]
    return "\n".join(lines)

