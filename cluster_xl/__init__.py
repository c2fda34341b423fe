"""cluster_xl: monthly consolidation of a «Профессионалитет» cluster's college reports.

Library API (each stage is its own module; see README):

    from cluster_xl import load_plan, write_template, read_submission, consolidate_folder, write_report
"""

__version__ = "0.1.0"
