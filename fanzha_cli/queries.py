"""Named read-only SQL. Values are always bound parameters (:name), never formatted in."""

# The roster and pairings in force on :on. For each (item_kind, key, parent) the latest
# fact effective on or before :on wins (a later load breaks ties); an `end` means gone.
# Rows come in the order they were started, which is the plan file's order.
PLAN_STATE_ON = """
SELECT item_kind, key, parent, attrs, effective, entry_id, seq
FROM (
    SELECT p.*, row_number() OVER (
        PARTITION BY item_kind, key, parent ORDER BY effective DESC, entry_id DESC
    ) AS rn
    FROM plan_items AS p
    WHERE p.effective <= :on
)
WHERE rn = 1 AND action = 'start'
ORDER BY entry_id, seq
"""

# Every fact about one plan item (by kind and key, or by kind and parent) effective on or
# before :on: plan_lookup keeps, for each identity, the latest (PLAN_STATE_ON's rule). Both
# are index range scans (plan_items_identity, plan_items_parent): a single-record write looks
# up the names it was given without reading the plan.
PLAN_FACTS_OF_KEY = """
SELECT key, parent, action, attrs, effective, entry_id, seq FROM plan_items
WHERE item_kind = :kind AND key = :key AND effective <= :on
"""

# PLAN_FACTS_OF_KEY for many keys at once (:keys, a JSON array): one range scan each.
PLAN_FACTS_OF_KEYS = """
SELECT key, parent, action, attrs, effective, entry_id, seq FROM plan_items
WHERE item_kind = :kind AND key IN (SELECT value FROM json_each(:keys)) AND effective <= :on
"""

PLAN_FACTS_OF_PARENT = """
SELECT key, parent, action, attrs, effective, entry_id, seq FROM plan_items
WHERE item_kind = :kind AND parent = :parent AND effective <= :on
"""

# Units whose recorded attributes mention :text (a JSON string): the candidates for a unit
# written by one of its aliases.
PLAN_UNITS_MENTIONING = """
SELECT DISTINCT key FROM plan_items
WHERE item_kind = 'unit' AND effective <= :on AND instr(attrs, :text) > 0
"""

# The names a sheet gives (department, unit, pairing and grid names), as a set: into a
# temporary table in index order (one kind at a time, kinds in order), so that joining it with the plan's recorded history reads
# plan_items_identity from one end to the other rather than all over (several times faster
# at a province's scale). IMPORT_NAMES_FACTS gives every fact about those names effective on
# or before :on; the import keeps, for each identity (kind, key, parent), the latest (a later
# load breaks ties), in force if it is a start: PLAN_STATE_ON's rule, for the sheet's names
# only. A department comes with its category (a station has grids).
IMPORT_NAMES_CREATE = "CREATE TEMP TABLE import_names (kind TEXT NOT NULL, key TEXT NOT NULL)"
IMPORT_NAMES_ADD = """
INSERT INTO temp.import_names (kind, key)
SELECT :kind, value FROM json_each(:keys) ORDER BY value
"""
IMPORT_NAMES_FACTS = """
SELECT n.kind, n.key, p.parent, p.action, p.effective, p.entry_id,
       CASE WHEN n.kind = 'department' THEN json_extract(p.attrs, '$.category') END AS category
FROM temp.import_names AS n
CROSS JOIN plan_items AS p ON p.item_kind = n.kind AND p.key = n.key AND p.effective <= :on
"""
IMPORT_NAMES_DROP = "DROP TABLE temp.import_names"

# The plan version (settings) in force on :on.
PLAN_VERSION_ON = """
SELECT v.entry_id, v.effective, v.source, v.source_sha256, v.settings,
       e.operator, e.recorded_at, e.reason, e.hash
FROM plan_versions AS v JOIN entries AS e ON e.id = v.entry_id
WHERE v.effective <= :on
ORDER BY v.effective DESC, v.entry_id DESC
LIMIT 1
"""

# The plan in force on :on as the version in force then recorded it (plan_states): only if
# that version is also the last load made with an effective date on or before :on (loads are
# made in date order, so it always is; the query falls back to PLAN_STATE_ON otherwise).
PLAN_STATE_RECORDED = """
SELECT s.state FROM plan_states AS s
WHERE s.entry_id = :entry_id
  AND s.entry_id = (SELECT max(v.entry_id) FROM plan_versions AS v WHERE v.effective <= :on)
"""

# The day the first plan took effect: the campaign's clock starts there (clock.plan_start).
FIRST_PLAN_EFFECTIVE = """
SELECT min(effective) AS effective FROM plan_versions
WHERE :upto IS NULL OR entry_id <= :upto
"""

LATEST_PLAN_VERSION = """
SELECT v.entry_id, v.effective, v.source, v.source_sha256, v.settings
FROM plan_versions AS v
ORDER BY v.effective DESC, v.entry_id DESC
LIMIT 1
"""

PLAN_HISTORY = """
SELECT v.entry_id, v.effective, v.source, e.operator, e.recorded_at, e.reason,
       (SELECT count(*) FROM plan_items AS p WHERE p.entry_id = v.entry_id AND p.action = 'start') AS started,
       (SELECT count(*) FROM plan_items AS p WHERE p.entry_id = v.entry_id AND p.action = 'end') AS ended
FROM plan_versions AS v JOIN entries AS e ON e.id = v.entry_id
ORDER BY v.entry_id
"""

# --- cases, audits, discipline ---
#
# "As of" reading: every derivation below takes :upto, the last entry to read (NULL: all),
# applied as entry_id <= :upto on every table it reads, so that a week's circular can be
# computed from the ledger as it stood when it was issued.

def _upto(alias: str) -> str:
    return f"(:upto IS NULL OR {alias}.entry_id <= :upto)"


_CASE_COLUMNS = ("case_date, fraud_type, target_kind, target, loss_fen, group_name, "
                 "victim_name, victim_phone, victim_id_number, victim_id_hmac, note")

# Every version of every case: the registration ('add') and each amendment or void, with
# the entry that registered the case (`entry_id`) and the version's own (`version_entry`).
CASE_VERSIONS = f"""
SELECT c.entry_id, c.entry_id AS version_entry, c.case_no, 'add' AS action,
       {", ".join("c." + x.strip() for x in _CASE_COLUMNS.split(","))}
FROM cases AS c WHERE {_upto("c")}
UNION ALL
SELECT c.entry_id, v.entry_id AS version_entry, v.case_no, v.action,
       {", ".join("v." + x.strip() for x in _CASE_COLUMNS.split(","))}
FROM case_versions AS v JOIN cases AS c ON c.case_no = v.case_no WHERE {_upto("v")}
"""

# THE current version of every case as of :upto: the case as registered, or its latest
# amendment; a voided case is left out. Every reader of cases reads them through this.
CURRENT_CASES = f"""
SELECT c.entry_id, c.entry_id AS version_entry, c.case_no,
       {", ".join("c." + x.strip() for x in _CASE_COLUMNS.split(","))}
FROM cases AS c
WHERE {_upto("c")}
  AND NOT EXISTS (SELECT 1 FROM case_versions AS v WHERE v.case_no = c.case_no AND {_upto("v")})
UNION ALL
SELECT c.entry_id, v.entry_id AS version_entry, v.case_no,
       {", ".join("v." + x.strip() for x in _CASE_COLUMNS.split(","))}
FROM case_versions AS v JOIN cases AS c ON c.case_no = v.case_no
WHERE v.action = 'amend' AND {_upto("v")}
  AND NOT EXISTS (SELECT 1 FROM case_versions AS l
                  WHERE l.case_no = v.case_no AND l.entry_id > v.entry_id AND {_upto("l")})
"""

# One case (by the number it was registered under), every version oldest first, with its
# entry's metadata: `case history`, and what amend and void check against.
CASE_HISTORY = f"""
SELECT v.*, e.kind, e.operator, e.recorded_at, e.reason, e.supersedes
FROM ({CASE_VERSIONS}) AS v JOIN entries AS e ON e.id = v.version_entry
WHERE v.case_no = :case_no
ORDER BY v.version_entry
"""

# A case number as stored, if any (the index on cases.case_no).
CASE_BY_NO = f"""
SELECT c.case_no FROM cases AS c WHERE c.case_no = :case_no AND {_upto("c")}
"""

# A stored case number that may not be in the form cases.normalize_case_no stores: not all
# printable ASCII (SQL cannot judge its form), with lower-case letters, or spaces around (an
# old ledger's). A normal number is reached by typing it in any case or width (the normalised
# form is looked up exactly), so only these need comparing in Python when neither the typed
# nor the normalised number is stored; a partial index (m009) holds just them, so that a
# `case add` does not read every case number of a province.
UNUSUAL_CASE_NO = "(case_no <> upper(case_no) OR case_no GLOB '*[^ -~]*' OR case_no <> trim(case_no))"

UNUSUAL_CASE_NOS = f"""
SELECT c.case_no, c.entry_id FROM cases AS c WHERE {UNUSUAL_CASE_NO} AND {_upto('c')} ORDER BY c.entry_id
"""

# The current cases dated in [:start, :end], optionally of one fraud type (:fraud_type NULL
# = all), with who recorded the current version and when.
CASES_IN_PERIOD = f"""
SELECT c.*, e.operator, e.recorded_at
FROM ({CURRENT_CASES}) AS c JOIN entries AS e ON e.id = c.version_entry
WHERE c.case_date BETWEEN :start AND :end
  AND (:fraud_type IS NULL OR c.fraud_type = :fraud_type)
ORDER BY c.case_date, c.case_no
"""

# The units and grids that had a current case in [:start, :end], once per case: the caller
# makes a set of them. A case at a place outside every pairing touches none.
CASE_TARGETS_IN = f"""
SELECT c.target_kind, c.target
FROM ({CURRENT_CASES}) AS c
WHERE c.case_date BETWEEN :start AND :end AND c.target_kind <> 'place'
"""

# The days in (:start, :end] on which a plan load took effect: zero-case is judged
# piecewise, each piece against the plan in force on it. Every item of a load takes effect
# with its version, so the few versions say it (a load that changed only settings cuts a
# piece in two where nothing changed, which changes no result).
PLAN_CHANGE_DAYS = """
SELECT DISTINCT effective FROM plan_versions
WHERE effective > :start AND effective <= :end
ORDER BY effective
"""

_AUDIT_COLUMNS = "case_no, audit_date, publicity_received, officer, note"

# Every version of every call-back (as `CASE_VERSIONS`).
AUDIT_VERSIONS = f"""
SELECT a.entry_id AS audit_id, a.entry_id AS version_entry, 'add' AS action,
       {", ".join("a." + x.strip() for x in _AUDIT_COLUMNS.split(","))}
FROM audits AS a WHERE {_upto("a")}
UNION ALL
SELECT v.audit_id, v.entry_id AS version_entry, v.action,
       {", ".join("v." + x.strip() for x in _AUDIT_COLUMNS.split(","))}
FROM audit_versions AS v WHERE {_upto("v")}
"""

# THE current version of every call-back as of :upto (voided ones left out).
# THE current version of every call-back as of :upto (voided ones left out). `where`, written
# with {id} for the call-back's id, narrows both tables alike (as `deduction_rows`).
def current_audits(where: str = "1") -> str:
    return f"""
SELECT a.entry_id AS audit_id, a.entry_id AS version_entry,
       {", ".join("a." + x.strip() for x in _AUDIT_COLUMNS.split(","))}
FROM audits AS a
WHERE {_upto("a")} AND {where.format(id="a.entry_id")}
  AND NOT EXISTS (SELECT 1 FROM audit_versions AS v WHERE v.audit_id = a.entry_id AND {_upto("v")})
UNION ALL
SELECT v.audit_id, v.entry_id AS version_entry,
       {", ".join("v." + x.strip() for x in _AUDIT_COLUMNS.split(","))}
FROM audit_versions AS v
WHERE v.action = 'amend' AND {_upto("v")} AND {where.format(id="v.audit_id")}
  AND NOT EXISTS (SELECT 1 FROM audit_versions AS l
                  WHERE l.audit_id = v.audit_id AND l.entry_id > v.entry_id AND {_upto("l")})
"""


CURRENT_AUDITS = current_audits()

AUDIT_HISTORY = f"""
SELECT v.*, e.kind, e.operator, e.recorded_at, e.reason, e.supersedes
FROM ({AUDIT_VERSIONS}) AS v JOIN entries AS e ON e.id = v.version_entry
WHERE v.audit_id = :audit_id
ORDER BY v.version_entry
"""

# Every deduction row ever written, as of :upto: the classic pair in `deductions`, and the
# rows of `deduction_changes` (unit cases' departments, and deductions moved by corrections).
# `where` narrows both tables alike (written with {t} for the table), for a caller whose
# filter SQLite cannot push into the union itself (one with a subquery).
def deduction_rows(where: str = "1") -> str:
    return f"""
SELECT d.entry_id, d.audit_id, 'charge' AS action, d.subject_kind, d.subject, d.officer, d.department,
       d.case_no, d.case_date
FROM deductions AS d WHERE {_upto("d")} AND {where.format(t="d")}
UNION ALL
SELECT m.entry_id, m.audit_id, m.action, m.subject_kind, m.subject, m.officer, m.department,
       m.case_no, m.case_date
FROM deduction_changes AS m WHERE {_upto("m")} AND {where.format(t="m")}
"""


# The deductions of each call-back where they now fall: the rows of the latest entry that
# wrote any for it; none if that call-back, or its case, has since been voided. Revoked
# ones are kept (with `revocation_entry`): explain shows them, counts leave them out.
def live_deductions(where: str = "1") -> str:
    return f"""
SELECT x.*, r.entry_id AS revocation_entry, r.reason AS revocation_reason
FROM ({deduction_rows(where)}) AS x
LEFT JOIN audit_revocations AS r ON r.audit_id = x.audit_id AND {_upto("r")}
WHERE x.action = 'charge'
  AND NOT EXISTS (SELECT 1 FROM deduction_changes AS later
                  WHERE later.audit_id = x.audit_id AND later.entry_id > x.entry_id AND {_upto("later")})
  AND NOT EXISTS (SELECT 1 FROM audit_versions AS av
                  WHERE av.audit_id = x.audit_id AND av.action = 'void' AND {_upto("av")})
  AND NOT EXISTS (SELECT 1 FROM case_versions AS cv
                  WHERE cv.case_no = x.case_no AND cv.action = 'void' AND {_upto("cv")})
"""


# THE deductions that count, as of :upto: live and not revoked. Every count reads these.
def current_deductions(where: str = "1") -> str:
    return f"SELECT * FROM ({live_deductions(where)}) WHERE revocation_entry IS NULL"


_DEDUCTION_ROWS = deduction_rows()
LIVE_DEDUCTIONS = live_deductions()
CURRENT_DEDUCTIONS = current_deductions()

# Every call-back with its derived state. Nothing is updated: a finding, a revocation
# are rows of their own, and the state is read off which of them exist.
_AUDIT_STATE = f"""
SELECT a.audit_id, a.version_entry, a.case_no, a.audit_date, a.publicity_received,
       a.officer AS named_officer, a.note, c.case_date, c.target_kind, c.target,
       f.entry_id AS finding_entry, f.finding, f.note AS finding_note, f.verified_on,
       r.entry_id AS revocation_entry, r.reason AS revocation_reason,
       (SELECT d.subject FROM ({live_deductions("{t}.audit_id = a.audit_id")}) AS d
        WHERE d.subject_kind = 'officer' LIMIT 1) AS deducted_officer,
       (SELECT group_concat(d.subject, '、') FROM ({live_deductions("{t}.audit_id = a.audit_id")}) AS d
        WHERE d.subject_kind = 'department') AS deducted_department,
       CASE WHEN a.publicity_received = 1 THEN 'received'
            WHEN f.finding IS NULL THEN 'pending'
            WHEN f.finding = 'not_negligent' THEN 'not_negligent'
            WHEN r.entry_id IS NOT NULL THEN 'revoked'
            ELSE 'negligent' END AS status,
       e.operator, e.recorded_at
FROM ({CURRENT_AUDITS}) AS a
JOIN ({CURRENT_CASES}) AS c ON c.case_no = a.case_no
JOIN entries AS e ON e.id = a.audit_id
LEFT JOIN audit_findings AS f ON f.audit_id = a.audit_id AND {_upto("f")}
LEFT JOIN audit_revocations AS r ON r.audit_id = a.audit_id AND {_upto("r")}
"""

AUDIT_BY_ID = "SELECT * FROM (" + _AUDIT_STATE + ") WHERE audit_id = :audit_id"

AUDITS_IN_PERIOD = (
    "SELECT * FROM (" + _AUDIT_STATE + ") WHERE audit_date BETWEEN :start AND :end "
    "AND (:status IS NULL OR status = :status) ORDER BY audit_date, audit_id"
)

# The same call-back already recorded: the same case, date and answer (current versions).
SAME_AUDIT = f"""
SELECT a.audit_id FROM ({CURRENT_AUDITS}) AS a
WHERE a.case_no = :case_no AND a.audit_date = :audit_date AND a.publicity_received = :publicity_received
  AND a.audit_id <> :except
ORDER BY a.audit_id LIMIT 1
"""

# A deduction of this case that still counts (not revoked), if any.
CASE_COUNTING_DEDUCTION = f"""
SELECT d.audit_id FROM ({CURRENT_DEDUCTIONS}) AS d
WHERE d.case_no = :case_no AND d.audit_id <> :except
LIMIT 1
"""

# Every deduction row ever written for one call-back, as of :upto, in entry order.
DEDUCTION_ROWS_OF_AUDIT = f"""
SELECT * FROM ({_DEDUCTION_ROWS}) WHERE audit_id = :audit_id AND action = 'charge' ORDER BY entry_id
"""

FINDING_OF_AUDIT = f"""
SELECT f.entry_id, f.finding, f.note FROM audit_findings AS f
WHERE f.audit_id = :audit_id AND f.finding = 'negligent' AND {_upto("f")}
"""

# The counting deductions on one case (registered number).
CURRENT_DEDUCTIONS_OF_CASE = f"""
SELECT * FROM ({CURRENT_DEDUCTIONS}) WHERE case_no = :case_no ORDER BY audit_id
"""

# The current call-backs of one case.
AUDITS_OF_CASE = f"""
SELECT a.* FROM ({CURRENT_AUDITS}) AS a WHERE a.case_no = :case_no ORDER BY a.audit_id
"""

# The current deductions of one call-back (where they fall now).
DEDUCTIONS_OF_AUDIT = f"""
SELECT * FROM ({live_deductions("{t}.audit_id = :audit_id")}) ORDER BY subject_kind DESC, subject
"""

# Deductions that count (case dated in the window), per officer and per department, for
# those with at least :at_least. `department` is the one recorded with the subject's
# latest deduction (SQLite takes bare columns from the max() row).
DEDUCTION_COUNTS = f"""
SELECT d.subject_kind, d.subject, count(*) AS deductions,
       max(d.case_date) AS last_case_date, d.department
FROM ({CURRENT_DEDUCTIONS}) AS d
WHERE d.case_date BETWEEN :start AND :end
GROUP BY d.subject_kind, d.subject
HAVING count(*) >= :at_least
ORDER BY d.subject_kind DESC, count(*) DESC, d.subject
"""

DEDUCTION_COUNT_OF = f"""
SELECT count(*) AS deductions
FROM ({CURRENT_DEDUCTIONS}) AS d
WHERE d.subject_kind = :subject_kind AND d.subject = :subject
  AND d.case_date BETWEEN :start AND :end
"""

SUBJECT_HAS_DEDUCTIONS = f"""
SELECT 1 AS found FROM ({_DEDUCTION_ROWS}) AS d
WHERE d.subject_kind = :subject_kind AND d.subject = :subject LIMIT 1
"""

# Every call-back that ever charged one subject (in `deductions` or `deduction_changes`),
# with where its deductions fall now (if anywhere): what `discipline explain` walks through.
SUBJECT_AUDITS = f"""
SELECT DISTINCT d.audit_id FROM ({_DEDUCTION_ROWS}) AS d
WHERE d.subject_kind = :subject_kind AND d.subject = :subject AND d.action = 'charge'
ORDER BY d.audit_id
"""

# Entry metadata for a list of ids passed as a JSON array (one bound parameter).
ENTRIES_BY_IDS = """
SELECT id AS entry_id, kind, operator, recorded_at, reason, supersedes
FROM entries WHERE id IN (SELECT value FROM json_each(:ids))
ORDER BY id
"""

# Discipline steps carried out, as of :upto; a step voided as recorded by mistake is kept
# (with the void's entry and reason) for explain, and left out of what counts as done.
_DISCIPLINE_STEPS = f"""
SELECT s.entry_id, s.subject_kind, s.subject, s.step, s.step_date, s.at_count, s.note,
       x.entry_id AS void_entry, x.reason AS void_reason
FROM discipline_steps AS s
LEFT JOIN discipline_voids AS x ON x.step_id = s.entry_id AND {_upto("x")}
WHERE {_upto("s")}
"""

DISCIPLINE_STEPS_OF = f"""
SELECT s.*, e.operator, e.recorded_at
FROM ({_DISCIPLINE_STEPS}) AS s JOIN entries AS e ON e.id = s.entry_id
WHERE s.subject_kind = :subject_kind AND s.subject = :subject
ORDER BY s.entry_id
"""

DISCIPLINE_STEP_BY_ID = f"""
SELECT s.*, e.operator, e.recorded_at
FROM ({_DISCIPLINE_STEPS}) AS s JOIN entries AS e ON e.id = s.entry_id
WHERE s.entry_id = :step_id
"""

# The steps that stand (not voided), as of :upto.
ALL_DISCIPLINE_STEPS = f"""
SELECT s.entry_id, s.subject_kind, s.subject, s.step, s.step_date, s.at_count
FROM ({_DISCIPLINE_STEPS}) AS s
WHERE s.void_entry IS NULL
ORDER BY s.entry_id
"""

_DISSUASION_COLUMNS = "officer, department, dissuasion_date, amount_saved_fen, case_no, note"

DISSUASION_VERSIONS = f"""
SELECT s.entry_id AS dissuasion_id, s.entry_id AS version_entry, 'add' AS action,
       {", ".join("s." + x.strip() for x in _DISSUASION_COLUMNS.split(","))}
FROM dissuasions AS s WHERE {_upto("s")}
UNION ALL
SELECT v.dissuasion_id, v.entry_id AS version_entry, v.action,
       {", ".join("v." + x.strip() for x in _DISSUASION_COLUMNS.split(","))}
FROM dissuasion_versions AS v WHERE {_upto("v")}
"""

# THE current version of every dissuasion as of :upto (voided ones left out).
CURRENT_DISSUASIONS = f"""
SELECT s.entry_id AS dissuasion_id, s.entry_id AS version_entry,
       {", ".join("s." + x.strip() for x in _DISSUASION_COLUMNS.split(","))}
FROM dissuasions AS s
WHERE {_upto("s")}
  AND NOT EXISTS (SELECT 1 FROM dissuasion_versions AS v WHERE v.dissuasion_id = s.entry_id AND {_upto("v")})
UNION ALL
SELECT v.dissuasion_id, v.entry_id AS version_entry,
       {", ".join("v." + x.strip() for x in _DISSUASION_COLUMNS.split(","))}
FROM dissuasion_versions AS v
WHERE v.action = 'amend' AND {_upto("v")}
  AND NOT EXISTS (SELECT 1 FROM dissuasion_versions AS l
                  WHERE l.dissuasion_id = v.dissuasion_id AND l.entry_id > v.entry_id AND {_upto("l")})
"""

DISSUASION_HISTORY = f"""
SELECT v.*, e.kind, e.operator, e.recorded_at, e.reason, e.supersedes
FROM ({DISSUASION_VERSIONS}) AS v JOIN entries AS e ON e.id = v.version_entry
WHERE v.dissuasion_id = :dissuasion_id
ORDER BY v.version_entry
"""

# `entry_id` is the dissuasion's number (its registration entry).
DISSUASIONS_IN = f"""
SELECT s.dissuasion_id AS entry_id, s.version_entry, s.officer, s.department, s.dissuasion_date,
       s.amount_saved_fen, s.case_no, s.note, e.operator, e.recorded_at
FROM ({CURRENT_DISSUASIONS}) AS s JOIN entries AS e ON e.id = s.version_entry
WHERE s.dissuasion_date BETWEEN :start AND :end
ORDER BY s.dissuasion_date, s.dissuasion_id
"""

DISSUASION_BY_CASE_NO = f"""
SELECT s.dissuasion_id AS entry_id FROM ({CURRENT_DISSUASIONS}) AS s
WHERE s.case_no = :case_no AND s.dissuasion_id <> :except
"""

# --- weekly reports ---

# The current version of every line of :week (voided lines left out). A line's versions all
# share its week, so the week index narrows first; a version is current if the primary key
# holds no later one (a probe per line: cheaper than sorting the week for a window).
_REPORT_CURRENT_OF_WEEK = """
SELECT r.* FROM report_lines AS r
WHERE r.week = :week AND r.action <> 'void'
  AND NOT EXISTS (SELECT 1 FROM report_lines AS later WHERE later.line_id = r.line_id AND later.version > r.version)
"""

# The week's current lines, identity and content (what `report missing` judges).
REPORT_CURRENT_OF_WEEK = _REPORT_CURRENT_OF_WEEK

# Every version of every line of :week, in order: what an import recognises as already
# recorded (the current figures, and figures since amended or voided).
REPORT_VERSIONS_OF_WEEK = """
SELECT * FROM report_lines WHERE week = :week ORDER BY line_id, version
"""

# The current line, if any, of one department, week and target (what `report add` refuses
# to duplicate): the week index covers every column of the WHERE.
REPORT_CURRENT_OF_TARGET = """
SELECT * FROM (
    SELECT r.*, row_number() OVER (PARTITION BY r.line_id ORDER BY r.version DESC) AS rn
    FROM report_lines AS r
    WHERE r.week = :week AND r.dept = :dept AND r.target_kind = :target_kind AND r.target = :target
)
WHERE rn = 1 AND action <> 'void'
"""

# The week's lines as listed, with who recorded the current version and how many photo
# files are attached as evidence.
REPORT_LIST_OF_WEEK = f"""
SELECT c.*, e.operator, e.recorded_at,
       (SELECT count(DISTINCT p.sha256) FROM report_photos AS p WHERE p.line_id = c.line_id) AS photo_files
FROM ({_REPORT_CURRENT_OF_WEEK}) AS c
JOIN entries AS e ON e.id = c.entry_id
WHERE (:dept IS NULL OR c.dept = :dept)
ORDER BY c.dept, c.line_id
"""

# One department's current lines over the whole campaign, week by week (`report list --dept`).
REPORT_LIST_OF_DEPT = """
SELECT c.*, e.operator, e.recorded_at,
       (SELECT count(DISTINCT p.sha256) FROM report_photos AS p WHERE p.line_id = c.line_id) AS photo_files
FROM (SELECT r.* FROM report_lines AS r
      WHERE r.dept = :dept AND r.action <> 'void'
        AND NOT EXISTS (SELECT 1 FROM report_lines AS later WHERE later.line_id = r.line_id AND later.version > r.version)
     ) AS c
JOIN entries AS e ON e.id = c.entry_id
ORDER BY c.week, c.line_id
"""

# Every version of one line, oldest first, with its entry's metadata.
REPORT_LINE_VERSIONS = """
SELECT r.*, e.kind, e.operator, e.recorded_at, e.reason, e.supersedes
FROM report_lines AS r JOIN entries AS e ON e.id = r.entry_id
WHERE r.line_id = :line_id
ORDER BY r.version
"""

REPORT_LINE_PHOTOS = """
SELECT p.entry_id, p.seq, p.sha256, p.size, p.name, p.stored, e.recorded_at, e.operator
FROM report_photos AS p JOIN entries AS e ON e.id = p.entry_id
WHERE p.line_id = :line_id
ORDER BY p.entry_id, p.seq
"""

REPORT_MAX_LINE_ID = "SELECT coalesce(max(line_id), 0) AS n FROM report_lines"

# Other lines that already carry this photo (the same file reported twice).
REPORT_PHOTO_USES = "SELECT DISTINCT line_id FROM report_photos WHERE sha256 = :sha256 ORDER BY line_id"

# --- weekly circular and commendation ---

# The day a deduction is circulated: its verification's date (findings recorded before
# verification dates existed have none: their call-back's date).
_CIRCULATED_ON = "coalesce(f.verified_on, a.audit_date)"

# Deductions circulated in [:start, :end] (current deductions, current call-backs): the
# verification date decides the week, so a call-back verified later is circulated when it is
# verified, never back in the call-back's week; revoked ones no longer count and are left out.
# The call-backs concerned are found through the two date indexes (findings with a
# verification date, and older findings by their call-back's date) and narrow each table of
# the deductions' derivation.
_CIRCULATED_IN_PERIOD = (
    "{t}.audit_id IN (SELECT f2.audit_id FROM audit_findings AS f2 WHERE f2.verified_on BETWEEN :start AND :end "
    "UNION ALL SELECT w.audit_id FROM ("
    + CURRENT_AUDITS.replace("{", "{{").replace("}", "}}")
    + ") AS w JOIN audit_findings AS f3 ON f3.audit_id = w.audit_id "
    "WHERE w.audit_date BETWEEN :start AND :end AND f3.verified_on IS NULL)"
)
CIRCULAR_DEDUCTIONS = f"""
SELECT d.audit_id, d.subject_kind, d.subject, d.officer, d.department, d.case_no, d.case_date,
       a.audit_date, {_CIRCULATED_ON} AS circulated_on, f.note AS finding_note
FROM ({current_deductions(_CIRCULATED_IN_PERIOD)}) AS d
JOIN ({CURRENT_AUDITS}) AS a ON a.audit_id = d.audit_id
JOIN audit_findings AS f ON f.audit_id = d.audit_id
WHERE {_CIRCULATED_ON} BETWEEN :start AND :end
ORDER BY circulated_on, d.audit_id, d.subject_kind DESC, d.subject
"""

# Counting deductions as they stood at the end of :as_of (circulated on or before it), per
# subject, for those with at least :at_least: who was due a talk or accountability then.
DEDUCTION_COUNTS_AS_OF = f"""
SELECT d.subject_kind, d.subject, count(*) AS deductions, d.department
FROM ({CURRENT_DEDUCTIONS}) AS d
JOIN audit_findings AS f ON f.audit_id = d.audit_id
WHERE d.case_date BETWEEN :start AND :end
  AND coalesce(f.verified_on, (SELECT a.audit_date FROM ({current_audits("{id} = d.audit_id")}) AS a)) <= :as_of
GROUP BY d.subject_kind, d.subject
HAVING count(*) >= :at_least
ORDER BY d.subject_kind DESC, count(*) DESC, d.subject
"""

# The circular reads a week's current lines straight from report_lines (no subquery to
# flatten), each line's photo files probed for first: most lines have none.
# `later.version > 1` adds nothing (versions start at 1) but lets SQLite ask the small partial
# index report_lines_later (m013) instead of the primary key's.
_CURRENT_OF_WEEK_WHERE = """r.week = :week AND r.action <> 'void'
  AND NOT EXISTS (SELECT 1 FROM report_lines AS later
                  WHERE later.line_id = r.line_id AND later.version > r.version AND later.version > 1)"""
_PHOTO_FILES = """(CASE WHEN EXISTS (SELECT 1 FROM report_photos AS p WHERE p.line_id = r.line_id)
  THEN (SELECT count(DISTINCT p.sha256) FROM report_photos AS p WHERE p.line_id = r.line_id) ELSE 0 END)"""
_PHOTOS_SHOWN = f"max(r.photos, {_PHOTO_FILES})"  # as reported, or the files attached where more

# The week's current lines as the circular scores them: identity, time, figures, and the
# photo files attached as evidence.
CIRCULAR_LINES_OF_WEEK = f"""
SELECT r.dept, r.target_kind, r.target, r.late, r.submitted_at,
       r.leaflets, r.notices, r.pledges, r.app_installs, r.group_pushes, r.lectures, r.attendees,
       r.events, r.themes, r.photos, {_PHOTO_FILES} AS photo_files
FROM report_lines AS r
WHERE {_CURRENT_OF_WEEK_WHERE}
"""

CIRCULAR_LINES_OF_DEPT_WEEK = CIRCULAR_LINES_OF_WEEK + "  AND r.dept = :dept\n"

_MEASURES = ("leaflets", "notices", "pledges", "app_installs", "group_pushes", "lectures", "attendees",
             "events", "themes")
# The per-department sums both circular queries share: every figure of a line (is it covered?),
# each figure capped per target by the plan (:cap_<figure>, NULL: no cap), and the plain sums.
_ALL_FIGURES = ", ".join(f"r.{m}" for m in _MEASURES)
_CAPPED_SUMS = ",\n       ".join(
    f"coalesce(sum(CASE WHEN r.target_kind <> 'self' THEN min(r.{m}, coalesce(:cap_{m}, r.{m})) END), 0) AS capped_{m}"
    for m in _MEASURES)
_PLAIN_SUMS = ", ".join(f"sum(r.{m}) AS {m}" for m in _MEASURES)

# The same lines summed per department, as the ranking needs them (scoring.tally does these
# sums in Python): `capped_<measure>`, Σ min(figure, :cap_<measure>) (NULL cap: uncapped),
# `covered` and `paired_photos` over lines on a target, and the plain sums over all lines.
# `targets` lists the targets of those lines joined by U+001F, so the caller can check them
# against the plan (it may have changed since a line was made) and sum line by line, with
# CIRCULAR_LINES_OF_DEPT_WEEK, the rare department that has a line on a target it is no
# longer paired with.
CIRCULAR_DEPARTMENTS_OF_WEEK = """
SELECT r.dept, min(r.submitted_at) AS first_submitted,
       max(CASE WHEN r.late THEN r.submitted_at END) AS late_at,
       group_concat(CASE WHEN r.target_kind <> 'self' THEN r.target END, char(31)) AS targets,
       coalesce(sum(r.target_kind <> 'self' AND max({all_figures}, {photos}) > 0), 0) AS covered,
       {capped},
       coalesce(sum(CASE WHEN r.target_kind <> 'self' THEN {photos} END), 0) AS paired_photos,
       {plain}, sum({photos}) AS photos
FROM report_lines AS r
WHERE {where}
GROUP BY r.dept
""".format(
    all_figures=_ALL_FIGURES, photos=_PHOTOS_SHOWN, capped=_CAPPED_SUMS, plain=_PLAIN_SUMS, where=_CURRENT_OF_WEEK_WHERE,
)

# The week's current lines with a progress (宣传进度) on a paired target, as the ledger stood
# after entry :upto (NULL: all of it): each department's progress in the circular.
PROGRESS_OF_WEEK = """
SELECT r.dept, r.target, r.progress
FROM report_lines AS r
WHERE r.week = :week AND r.progress IS NOT NULL AND r.action <> 'void'
  AND r.target_kind <> 'self' AND (:upto IS NULL OR r.entry_id <= :upto)
  AND NOT EXISTS (SELECT 1 FROM report_lines AS later WHERE later.line_id = r.line_id AND later.version > r.version
                  AND (:upto IS NULL OR later.entry_id <= :upto))
"""

# The week's figures summed over its current lines: the circular's comparison with last week.
REPORT_TOTALS_OF_WEEK = f"""
SELECT {", ".join(f"coalesce(sum(r.{m}), 0) AS {m}" for m in _MEASURES)},
       coalesce(sum({_PHOTOS_SHOWN}), 0) AS photos
FROM report_lines AS r
WHERE {_CURRENT_OF_WEEK_WHERE}
"""

# Cases dated in [:start, :end] and their loss, counted (the circular's weekly trend).
CASE_TOTALS_IN = f"""
SELECT count(*) AS cases, coalesce(sum(c.loss_fen), 0) AS loss_fen
FROM ({CURRENT_CASES}) AS c WHERE c.case_date BETWEEN :start AND :end
"""

# How many departments reported in a week (voided lines do not count): read off the
# per-department counts the report_lines triggers keep (migrations.m004_performance).
REPORTING_DEPTS_OF_WEEK = """
SELECT count(*) AS n FROM report_week_status WHERE week = :week AND lines > 0
"""

# What report_week_status holds (migrations.m004_performance), computed from the lines
# themselves: how the migration fills it. Departments whose lines were all voided have no
# row here, a row with 0 lines there.
REPORT_WEEK_STATUS_FROM_LINES = """
SELECT week, dept, count(*) AS lines, sum(late) AS late_lines FROM (
    SELECT r.week, r.dept, r.action, r.late,
           row_number() OVER (PARTITION BY r.line_id ORDER BY r.version DESC) AS rn
    FROM report_lines AS r
)
WHERE rn = 1 AND action <> 'void'
GROUP BY week, dept
"""

# The same, as `db verify` recomputes it: a line's current version is the one no later version
# of it follows, found by the primary key's index (line_id, version) instead of sorting every
# line for a window function (a third of the time; tests/test_verify_speed.py compares them).
# With the columns m014 added: the first and last time a current line came in, and how many
# current lines are the officers' own publicity (self).
REPORT_WEEK_STATUS_RECOUNT = """
SELECT r.week, r.dept, count(*) AS lines, sum(r.late) AS late_lines,
       min(r.submitted_at) AS first_at, max(r.submitted_at) AS last_at,
       sum(r.target_kind = 'self' AND r.target = '') AS self_lines
FROM report_lines AS r
WHERE r.action <> 'void'
  AND NOT EXISTS (SELECT 1 FROM report_lines AS n WHERE n.line_id = r.line_id AND n.version > r.version)
GROUP BY r.week, r.dept
"""

# The same for the department and week of the line NEW just written (the trigger of a later
# version, migrations.m014): its current lines found by the week index, their later versions by
# the partial index of later versions.
REPORT_WEEK_STATUS_OF_DEPT_WEEK = """
SELECT count(*), coalesce(sum(r.late), 0), min(r.submitted_at), max(r.submitted_at),
       coalesce(sum(r.target_kind = 'self' AND r.target = ''), 0)
FROM report_lines AS r
WHERE r.week = NEW.week AND r.dept = NEW.dept AND r.action <> 'void'
  AND NOT EXISTS (SELECT 1 FROM report_lines AS later
                  WHERE later.line_id = r.line_id AND later.version > r.version AND later.version > 1)
"""

REPORT_WEEK_STATUS_KEPT = """
SELECT week, dept, lines, late_lines, first_at, last_at, self_lines FROM report_week_status WHERE lines > 0
"""

# The (week, department)s where the kept rows and the recount disagree (a row differs, or is on
# one side only), in order: compared inside SQLite, so `db verify` holds neither side in
# Python (a province's year is 270,000 rows a side). SQLite 3.35 and later work out each
# common table once, as it is used twice; no MATERIALIZED hint, which older ones refuse.
REPORT_WEEK_STATUS_DISAGREEING = f"""
WITH kept AS ({REPORT_WEEK_STATUS_KEPT}), fresh AS ({REPORT_WEEK_STATUS_RECOUNT})
SELECT week, dept FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh)
UNION
SELECT week, dept FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept)
ORDER BY week, dept
"""

# Per department, the weeks in [:first, :last] in which it reported and every current line
# came before the deadline: departments × weeks rows, never the lines themselves.
REPORT_ON_TIME_WEEKS = """
SELECT dept, count(*) AS weeks FROM report_week_status
WHERE week BETWEEN :first AND :last AND lines > 0 AND late_lines = 0
GROUP BY dept
"""

# The same over a long period: every row read in department order from the index m014 added,
# so nothing is sorted for GROUP BY (over a year's weeks, a quarter of the time; over a month,
# three times as long as the query above, which reads only the month's rows and sorts them).
# The `+` keeps SQLite from choosing the primary key's range of weeks, as it would without
# statistics. (Not INDEXED BY: as of an entry, report_week_status is a view, which has no index.)
REPORT_ON_TIME_WEEKS_BY_DEPT = """
SELECT dept, count(*) AS weeks FROM report_week_status
WHERE +week BETWEEN :first AND :last AND lines > 0 AND late_lines = 0
GROUP BY dept
"""

# --- issued circulars (migrations.m005_issued_weeks) ---

ISSUE_OF_WEEK = """
SELECT i.entry_id, i.week, i.issue_no, i.anchor_id, i.anchor_hash, i.issued_on, i.json_sha256, i.phrasing,
       e.operator, e.recorded_at
FROM circular_issues AS i JOIN entries AS e ON e.id = i.entry_id
WHERE i.week = :week
"""

# Every issue, in the order issued.
ALL_ISSUES = """
SELECT i.entry_id, i.week, i.issue_no, i.anchor_id, i.anchor_hash, i.issued_on, i.json_sha256, i.phrasing
FROM circular_issues AS i
ORDER BY i.entry_id
"""

# The entries in (:after, :upto], in order: what may correct weeks already issued.
ENTRIES_BETWEEN = """
SELECT id AS entry_id, kind, operator, recorded_at, reason, supersedes
FROM entries WHERE id > :after AND id <= :upto
ORDER BY id
"""

# Each issue's anchor against the entry it names (NULL hash: the entry is gone).
ISSUE_ANCHORS = """
SELECT i.entry_id, i.week, i.anchor_id, i.anchor_hash, e.hash AS held_hash,
       EXISTS (SELECT 1 FROM reseal_hashes AS r WHERE r.old_id = i.anchor_id AND r.old_hash = i.anchor_hash)
           AS held_before_reseal
FROM circular_issues AS i LEFT JOIN entries AS e ON e.id = i.anchor_id
ORDER BY i.entry_id
"""

ENTRY_HASH = "SELECT id, hash FROM entries WHERE id = :id"

# What `key rotate` re-sealed: old value (or keyed hash) -> the same under the newer key.
RESEALS = "SELECT old, new FROM reseals ORDER BY entry_id"

# The same value sealed again under a newer key, if `key rotate` did so.
RESEAL_OF = "SELECT new FROM reseals WHERE old = :old ORDER BY entry_id DESC LIMIT 1"

# Other cases whose victim's ID number has this keyed hash (under this key, or an older one
# that `key rotate` resealed to it): no decryption needed. Each side of the UNION is found by
# its own index (a WHERE over a UNION ALL of both tables scanned them whole, so each `case add`
# read every case: quadratic at a province's scale; tests/test_cases.py reads the plan).
SAME_VICTIM_CASES = """
WITH RECURSIVE eq(h) AS (SELECT :blind UNION SELECT r.old FROM reseals AS r JOIN eq ON r.new = eq.h)
SELECT case_no FROM cases WHERE victim_id_hmac IN (SELECT h FROM eq) AND case_no <> :case_no
UNION
SELECT case_no FROM case_versions WHERE victim_id_hmac IN (SELECT h FROM eq) AND case_no <> :case_no
ORDER BY case_no
"""

# A ledger made by `db reseal` holds, in its entry 0, the old ledger's hash of every entry:
# an anchor printed from the old ledger is held if it names one of them.
RESEALED_HASH = "SELECT old_hash FROM reseal_hashes WHERE old_id = :id"

# --- each plan version's rows (plan_rows.py, migrations.m010_plan_rows) ---

# The units and grids that had a current case in [:start, :end] (cases.pairings' hit set),
# worked out once per judgement into a temporary table (a connection's own, never the ledger's:
# a read-only ledger may hold one) that the case-free targets and the officers' grids are then
# looked up in. At a province's week 52 the set is 90,000 of 200,000 cases, and working it out
# (the current version of each case, then distinct) cost half a second each time it was asked.
# The last entry's id (NULL: none), as the ledger reads now.
LAST_ENTRY_ID = "SELECT max(id) FROM entries"
# temp.zero_hits_of says which period (and which last entry) the set is of: kept in the same
# temporary database, so that a rolled-back transaction takes both back together.
ZERO_HITS_PRESENT = "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = 'zero_hits_of'"
ZERO_HITS_OF = "SELECT day_from, day_to, last_entry FROM temp.zero_hits_of"
ZERO_HITS_CLEAR = ("DROP TABLE IF EXISTS temp.zero_hits", "DROP TABLE IF EXISTS temp.zero_hits_of")
ZERO_HITS_MAKE = (
    "CREATE TEMP TABLE zero_hits (kind TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (kind, target)) WITHOUT ROWID",
    "CREATE TEMP TABLE zero_hits_of (day_from TEXT, day_to TEXT, last_entry INTEGER)",
)
ZERO_HITS_RECORD = "INSERT INTO temp.zero_hits_of VALUES (:start, :end, :last)"
# The targets of the current cases (CURRENT_CASES, its two halves) dated in [:start, :end]:
# - a case never amended nor voided, from the index cases_target alone (m015), in the table's
#   key order, so the table is built front to back with no sort. The `+` keeps SQLite from
#   reading the period's cases by date instead (every row fetched, then sorted: four times as
#   long over a year); as of an entry, `cases` is a view over the same table and index.
# - the latest version of an amended case, if it is an amendment (not a void): few.
# tests/test_circular_sql.py checks these against CURRENT_CASES.
ZERO_HITS_FILL = (
    f"""
INSERT OR IGNORE INTO temp.zero_hits (kind, target)
SELECT c.target_kind, c.target FROM cases AS c
WHERE +c.case_date BETWEEN :start AND :end AND c.target_kind <> 'place' AND {_upto("c")}
  AND NOT EXISTS (SELECT 1 FROM case_versions AS v WHERE v.case_no = c.case_no AND {_upto("v")})
ORDER BY c.target_kind, c.target
""",
    f"""
INSERT OR IGNORE INTO temp.zero_hits (kind, target)
SELECT v.target_kind, v.target FROM case_versions AS v
WHERE v.action = 'amend' AND v.case_date BETWEEN :start AND :end AND v.target_kind <> 'place' AND {_upto("v")}
  AND NOT EXISTS (SELECT 1 FROM case_versions AS l
                  WHERE l.case_no = v.case_no AND l.entry_id > v.entry_id AND {_upto("l")})
""",
)

# A version's departments in the index's order, with how many targets each scores on.
PLAN_ROWS_DEPARTMENTS = """
SELECT dept, attrs, targets FROM plan_version_departments WHERE version_entry = :version ORDER BY pos
"""

# A version's pairings that had no case in [:start, :end], in the order of cases.Pairings.free().
PLAN_ROWS_FREE_TARGETS = """
SELECT t.dept, t.kind, t.target, t.officers FROM plan_version_targets AS t
WHERE t.version_entry = :version
  AND NOT EXISTS (SELECT 1 FROM temp.zero_hits AS h WHERE h.kind = t.kind AND h.target = t.target)
ORDER BY t.pos
"""

# How many pairings (units and grids) each department of a version has: a department all of
# whose pairings are among the case-free ones is a zero-case department.
PLAN_ROWS_PAIRINGS_PER_DEPT = """
SELECT dept, count(*) AS n FROM plan_version_targets WHERE version_entry = :version GROUP BY dept
"""

# A version's officers in the index's order, with how many grids each is paired with and how
# many of them are grids of its own station that had no case in [:start, :end].
# (The hits are those ZERO_HITS_FILL put in temp.zero_hits for that period.)
PLAN_ROWS_OFFICERS = """
SELECT o.badge, o.name, o.station, o.grids, count(g.grid) AS free_grids
FROM plan_version_officers AS o
LEFT JOIN plan_version_officer_grids AS g
    ON g.version_entry = o.version_entry AND g.badge = o.badge
   AND NOT EXISTS (SELECT 1 FROM temp.zero_hits AS h WHERE h.kind = 'grid' AND h.target = g.grid)
WHERE o.version_entry = :version
GROUP BY o.pos
ORDER BY o.pos
"""

# A version's targets a department scores on that have no current line of :week on them, in
# the order of WeekPlan.targets_of (`report missing`).
PLAN_ROWS_UNREPORTED = """
SELECT t.dept, t.target FROM plan_version_targets AS t
WHERE t.version_entry = :version AND t.scored
  AND NOT EXISTS (SELECT 1 FROM report_lines AS r
                  WHERE r.week = :week AND r.dept = t.dept AND r.target_kind = t.kind AND r.target = t.target
                    AND r.action <> 'void'
                    AND NOT EXISTS (SELECT 1 FROM report_lines AS later
                                    WHERE later.line_id = r.line_id AND later.version > r.version
                                      AND later.version > 1))  -- see _CURRENT_OF_WEEK_WHERE
ORDER BY t.pos
"""

# The week's current lines of each department as `report missing` judges them.
# Read off report_week_status (kept by the report_lines triggers, migrations.m014; checked by
# `db verify` against REPORT_WEEK_STATUS_RECOUNT), not from the week's lines: a province's week
# is 5,000 rows here against 117,000 lines there.
REPORT_STATUS_OF_WEEK = """
SELECT dept, lines, late_lines, first_at, last_at, self_lines > 0 AS self_reported
FROM report_week_status
WHERE week = :week AND lines > 0
"""

# The week's current lines summed per department as CIRCULAR_DEPARTMENTS_OF_WEEK sums them,
# with the check against the plan version :version made here rather than in Python: how many
# lines are on a target the department does not score on, how many name a target twice, and
# the 宣传进度 summed over lines on targets (circular.progress). One flat query over the week's
# index, which yields the lines department by department: the photos are looked up for each
# use, but nothing is sorted (a subquery computing them once per line had all 117,000 of a
# province's lines sorted again for GROUP BY, a quarter slower).
CIRCULAR_DEPARTMENTS_ON_PLAN = """
SELECT r.dept, min(r.submitted_at) AS first_submitted,
       max(CASE WHEN r.late THEN r.submitted_at END) AS late_at,
       coalesce(sum(r.target_kind <> 'self' AND max({all_figures}, {photos}) > 0), 0) AS covered,
       {capped},
       coalesce(sum(CASE WHEN r.target_kind <> 'self' THEN {photos} END), 0) AS paired_photos,
       {plain}, sum({photos}) AS photos,
       coalesce(sum(r.target_kind <> 'self' AND NOT EXISTS (
           SELECT 1 FROM plan_version_targets AS t
           WHERE t.version_entry = :version AND t.dept = r.dept AND t.target = r.target AND t.scored)), 0) AS unpaired,
       count(CASE WHEN r.target_kind <> 'self' THEN r.target END)
           - count(DISTINCT CASE WHEN r.target_kind <> 'self' THEN r.target END) AS repeated,
       sum(CASE WHEN r.target_kind <> 'self' AND r.progress IS NOT NULL THEN r.progress END) AS progress_sum,
       count(CASE WHEN r.target_kind <> 'self' AND r.progress IS NOT NULL THEN 1 END) AS progress_n
FROM report_lines AS r
WHERE {where}
GROUP BY r.dept
""".format(
    all_figures=_ALL_FIGURES, photos=_PHOTOS_SHOWN, capped=_CAPPED_SUMS, plain=_PLAIN_SUMS, where=_CURRENT_OF_WEEK_WHERE,
)

# The plan in force after entry :entry (every date): PLAN_STATE_ON over that entry's loads,
# for a ledger loaded before plan_states recorded it.
PLAN_STATE_AFTER_ENTRY = """
SELECT item_kind, key, parent, attrs FROM (
    SELECT p.*, row_number() OVER (
        PARTITION BY item_kind, key, parent ORDER BY effective DESC, entry_id DESC
    ) AS rn
    FROM plan_items AS p
    WHERE p.entry_id <= :entry
)
WHERE rn = 1 AND action = 'start'
ORDER BY entry_id, seq
"""
