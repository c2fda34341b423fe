"""Names of the consolidated book: its sheets and the headers read back from it.

The writer writes them; `--previous` reads last month's book by them; the run
recognises its own books by them.  Defined once here.
"""

# The line of «Источники» that names the tool: how a consolidated book is told from a report.
OWN_BOOK_MARK = "Версия программы: cluster_xl"
SHEET_SUMMARY = "Свод"
SHEET_INDICATORS = "Показатели"
SHEET_BY_COLLEGE = "По организациям"
SHEET_EXPLANATIONS = "Пояснения к отклонениям"  # items behind and the colleges' reasons
SHEET_CHARTS = "Диаграммы"
SHEET_BY_YEAR = "Свод по годам"
SHEET_DATA = "Данные"
SHEET_ISSUES = "Проверки"
SHEET_SOURCES = "Источники"
SHEET_COMPLETENESS = "Комплектность"  # college × received / rejected / missing (completeness.py)
SHEETS = (SHEET_SUMMARY, SHEET_INDICATORS, SHEET_BY_COLLEGE, SHEET_EXPLANATIONS, SHEET_CHARTS, SHEET_BY_YEAR,
          SHEET_DATA, SHEET_ISSUES, SHEET_SOURCES, SHEET_COMPLETENESS)
# The signed document, first in the book: attachment mark, legend on every page,
# signature; `--pdf` exports these.  The working sheets after them print with the
# same page setup when someone wants them, but are not part of what is sent
# («Данные» is for filtering on screen: a filtered selection prints on its own).
DOCUMENT_SHEETS = (SHEET_SUMMARY, SHEET_INDICATORS, SHEET_BY_COLLEGE, SHEET_EXPLANATIONS, SHEET_CHARTS)
