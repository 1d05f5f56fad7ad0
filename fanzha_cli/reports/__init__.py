"""Weekly reports (每周报送): one department's work for one week on one paired target.

A report line is one department's work for one week on one paired target: a unit, a grid
(stations only), or `self` (officers' own pushes to relatives, friends and home community).
Lines are identified by `line_id`; an amend or a void appends a whole new version that
supersedes the last one, and the current line is the latest version unless it is a void.

Pairings are judged against the plan in force on the week's Monday, so a plan change that
takes effect mid-week applies from the next week, and every line of a week is judged
against one plan. The deadline (weekday and hour) comes from that plan's rules.

The package by job: `cells` (measures, columns, parsing a value), `week_plan` (the plan as a
week sees it), `write` (add, amend, void), `status` (history, lists, missing, template),
`sheet` (importing filled-in sheets), `derived` (the kept per-week counts). This module
gathers their public names, so callers write `reports.add_line`.
"""

from fanzha_cli.errors import FanzhaError
from fanzha_cli.reports.cells import (  # noqa: F401
    COL_DEPT, COL_KIND, COL_TARGET, COL_WEEK, ACTION_LABELS, COL_CHECKLIST, COL_DUTIES, COL_NOTE, COL_PROGRESS, COL_SUBMITTED, COL_WORKER, CONTENT_FIELDS, IGNORED_COLUMNS, KIND_WORDS, LineInput, MAX_COUNT, MAX_PUSH_DAYS, MEASURES, MEASURE_KEYS, MEASURE_LABELS, Problem, SELF_LABEL, SHEET_COLUMNS, TARGET_KINDS, parse_content, parse_count, parse_duties, parse_progress,
)
from fanzha_cli.reports.week_plan import (  # noqa: F401
    WeekPlan, WeekPlans, submitted_time, week_plan,
)
from fanzha_cli.reports.write import (  # noqa: F401
    Written, add_line, amend_line, public, target_label, void_line,
)
from fanzha_cli.reports.status import (  # noqa: F401
    complete, history, list_department, list_lines, missing, template,
)
from fanzha_cli.reports.sheet import (  # noqa: F401
    ImportProblem, ImportRejected, ImportResult, Progress, import_files,
)
from fanzha_cli.reports.derived import (  # noqa: F401
    derived_problems,
)

__all__ = ['COL_DEPT', 'COL_KIND', 'COL_TARGET', 'COL_WEEK', 'ACTION_LABELS', 'COL_CHECKLIST', 'COL_DUTIES', 'COL_NOTE', 'COL_PROGRESS', 'COL_SUBMITTED', 'COL_WORKER', 'CONTENT_FIELDS', 'FanzhaError', 'IGNORED_COLUMNS', 'ImportProblem', 'ImportRejected', 'ImportResult', 'KIND_WORDS', 'LineInput', 'MAX_COUNT', 'MAX_PUSH_DAYS', 'MEASURES', 'MEASURE_KEYS', 'MEASURE_LABELS', 'Problem', 'Progress', 'SELF_LABEL', 'SHEET_COLUMNS', 'TARGET_KINDS', 'WeekPlan', 'WeekPlans', 'Written', 'add_line', 'amend_line', 'complete', 'derived_problems', 'history', 'import_files', 'list_department', 'list_lines', 'missing', 'parse_content', 'parse_count', 'parse_duties', 'parse_progress', 'public', 'submitted_time', 'target_label', 'template', 'void_line', 'week_plan']
