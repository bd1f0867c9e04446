"""The printable annual report: HTML and the same SVG charts, made into a PDF by WeasyPrint.

WeasyPrint lays text out with Pango and the system's fonts, so Chinese needs a CJK font
installed (Debian: fonts-noto-cjk, which .ci/run installs). Everything in it is as shared
beyond the office: groups of fewer than 5 people are hidden.
"""

from django.template.loader import render_to_string
from django.utils import translation

from alma.insights import periods, reports, selectors
from alma.insights.selectors import Cohort, Period


def annual_report_pdf(*, fiscal_year: int, language: str) -> bytes:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    with translation.override(language):
        coverage = reports.coverage_for(None, Cohort(), Period(fiscal_year=fiscal_year))
        columns, rows = reports.coverage_table(coverage)
        report, _shared = reports.aem_for(None, fiscal_year)
        belonging = reports.belonging_rows(selectors.belonging_result(), shared=True)
        for row in belonging:
            row["sentence"] = reports.belonging_sentence(row)
        html = render_to_string(
            "insights/report.html",
            {
                "language": language,
                "year_label": periods.label_of(fiscal_year),
                "coverage": coverage,
                "coverage_chart": reports.coverage_chart(coverage),
                "coverage_rows": [r for r in rows if r[3]],
                "coverage_columns": columns,
                "report": report,
                "aem_charts": reports.aem_charts(report),
                "modes": [(m, reports.mode_labels()[m]) for m in selectors.MODES],
                "belonging": [r for r in belonging if r["outcome"] == "any"],
                "belonging_chart": reports.belonging_chart(belonging) if belonging else "",
            },
        )
    stylesheet = finders.find("insights/report.css")
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)])
