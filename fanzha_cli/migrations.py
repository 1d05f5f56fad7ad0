"""Schema steps of the ledger. A step that has landed is never edited: add a new one.

Every table that holds ledger content has an `entry_id` column pointing at `entries`;
`chain.py` finds such tables by that column, so a new table joins the hash chain and the
append-only guard (see `_guard`) without any registry to update.
"""

from __future__ import annotations

import sqlite_utils

from fanzha_cli import queries

migrations = sqlite_utils.Migrations("fanzha")


def _guard(db: sqlite_utils.Database, table: str) -> None:
    """Make the database itself refuse UPDATE and DELETE on a ledger table."""
    for action, verb in (("UPDATE", "修改"), ("DELETE", "删除")):
        db.execute(
            f"""
            CREATE TRIGGER IF NOT EXISTS "{table}_no_{action.lower()}"
            BEFORE {action} ON "{table}"
            BEGIN
                SELECT RAISE(ABORT, '账本只可追加，不允许{verb}已记录的内容（{table}）');
            END
            """
        )


@migrations()
def m001_entries_and_plan(db: sqlite_utils.Database) -> None:
    # The spine of the ledger: one row per entry, in chain order. `supersedes` points at
    # the entry that this one corrects or revokes; current state is derived from that.
    db.execute(
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            reason TEXT,
            supersedes INTEGER REFERENCES entries(id),
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        )
        """
    )
    db.execute("CREATE INDEX entries_kind ON entries(kind, id)")
    db.execute("CREATE INDEX entries_supersedes ON entries(supersedes)")
    # One row per plan load that changed anything: the settings part of the plan (campaign,
    # fraud types, rules, sector duties) as canonical JSON, in force from `effective`.
    db.execute(
        """
        CREATE TABLE plan_versions (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            effective TEXT NOT NULL,
            source TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            settings TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX plan_versions_effective ON plan_versions(effective, entry_id)")
    # The roster and pairings as start/end facts. The state on a date is, for each
    # (item_kind, key, parent), the latest fact effective on or before it, if that is a start.
    db.execute(
        """
        CREATE TABLE plan_items (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            seq INTEGER NOT NULL,
            item_kind TEXT NOT NULL CHECK (item_kind IN
                ('department', 'unit', 'pairing', 'grid', 'officer', 'officer_grid')),
            key TEXT NOT NULL CHECK (key <> ''),
            parent TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL CHECK (action IN ('start', 'end')),
            effective TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (entry_id, seq)
        )
        """
    )
    db.execute(
        "CREATE INDEX plan_items_identity ON plan_items(item_kind, key, parent, effective, entry_id)"
    )
    for table in ("entries", "plan_versions", "plan_items"):
        _guard(db, table)


@migrations()
def m003_cases_audits(db: sqlite_utils.Database) -> None:
    # Fraud cases (发案). A unit case names the paired unit (canonical name) the victim works
    # in; a grid case, the grid the victim lives in. Which department or officer answers for
    # it is judged against the plan in force on `case_date`, when it is needed. Money is
    # integer fen; the victim's name, phone and ID number are masked in every output.
    db.execute(
        """
        CREATE TABLE cases (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            case_no TEXT NOT NULL UNIQUE CHECK (case_no <> ''),
            case_date TEXT NOT NULL,
            fraud_type TEXT NOT NULL,
            target_kind TEXT NOT NULL CHECK (target_kind IN ('unit', 'grid')),
            target TEXT NOT NULL,
            loss_fen INTEGER CHECK (loss_fen >= 0),
            victim_name TEXT,
            victim_phone TEXT,
            victim_id_number TEXT,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX cases_date ON cases(case_date, target_kind, target)")
    # Victim call-backs (抽查、回访). The audit id is its entry id. `officer` is the badge
    # named when the audit was recorded (needed for a unit case), if any.
    db.execute(
        """
        CREATE TABLE audits (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            case_no TEXT NOT NULL REFERENCES cases(case_no),
            audit_date TEXT NOT NULL,
            publicity_received INTEGER NOT NULL CHECK (publicity_received IN (0, 1)),
            officer TEXT,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX audits_case ON audits(case_no)")
    db.execute("CREATE INDEX audits_date ON audits(audit_date)")
    # The check of a call-back that found no publicity: negligent or not. At most one per
    # audit; in the same entry as the audit when it was verified at once.
    db.execute(
        """
        CREATE TABLE audit_findings (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            audit_id INTEGER NOT NULL UNIQUE REFERENCES audits(entry_id),
            finding TEXT NOT NULL CHECK (finding IN ('negligent', 'not_negligent')),
            note TEXT,
            PRIMARY KEY (entry_id, audit_id)
        )
        """
    )
    # 通报扣分: a negligent finding circulates one deduction against the officer and one
    # against the officer's department, written with the finding. `case_date` places it in
    # the discipline window; `officer` and `department` say who was judged responsible.
    db.execute(
        """
        CREATE TABLE deductions (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            audit_id INTEGER NOT NULL REFERENCES audits(entry_id),
            subject_kind TEXT NOT NULL CHECK (subject_kind IN ('officer', 'department')),
            subject TEXT NOT NULL,
            officer TEXT NOT NULL,
            department TEXT NOT NULL,
            case_no TEXT NOT NULL REFERENCES cases(case_no),
            case_date TEXT NOT NULL,
            PRIMARY KEY (entry_id, subject_kind),
            UNIQUE (audit_id, subject_kind)
        )
        """
    )
    db.execute("CREATE INDEX deductions_subject ON deductions(subject_kind, subject, case_date)")
    db.execute("CREATE INDEX deductions_window ON deductions(case_date, subject_kind, subject, audit_id)")
    db.execute("CREATE INDEX deductions_case ON deductions(case_no)")
    # An appeal upheld: the audit's deductions stop counting; the record and reason stay.
    db.execute(
        """
        CREATE TABLE audit_revocations (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            audit_id INTEGER NOT NULL UNIQUE REFERENCES audits(entry_id),
            reason TEXT NOT NULL CHECK (reason <> '')
        )
        """
    )
    # A warning talk, ordered re-publicity or accountability, carried out.
    db.execute(
        """
        CREATE TABLE discipline_steps (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            subject_kind TEXT NOT NULL CHECK (subject_kind IN ('officer', 'department')),
            subject TEXT NOT NULL,
            step TEXT NOT NULL CHECK (step IN ('talk', 're-publicity', 'accountability')),
            step_date TEXT NOT NULL,
            at_count INTEGER NOT NULL,
            note TEXT NOT NULL CHECK (note <> '')
        )
        """
    )
    db.execute("CREATE INDEX discipline_steps_subject ON discipline_steps(subject_kind, subject, step)")
    # 劝阻: a fraud stopped in progress, with the amount saved (fen). `department` is the
    # officer's station on that date. A reference number is recorded once only.
    db.execute(
        """
        CREATE TABLE dissuasions (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            officer TEXT NOT NULL,
            department TEXT NOT NULL,
            dissuasion_date TEXT NOT NULL,
            amount_saved_fen INTEGER NOT NULL CHECK (amount_saved_fen >= 0),
            case_no TEXT UNIQUE,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX dissuasions_date ON dissuasions(dissuasion_date, officer)")
    for table in ("cases", "audits", "audit_findings", "deductions", "audit_revocations",
                  "discipline_steps", "dissuasions"):
        _guard(db, table)


@migrations()
def m002_reports(db: sqlite_utils.Database) -> None:
    # Weekly report lines (每周报送): one department's work for one week on one paired
    # target (a unit, a grid, or `self` for officers' own pushes; target '' then). A line
    # is identified by `line_id`; each add, amend or void appends a whole new version
    # (version 1 is the add), so the current line is the latest version of each line_id,
    # unless that version is a void. Dept, week and target never change between versions.
    # Times are local wall-clock time; `late` compares `submitted_at` with `deadline`.
    measures = ", ".join(
        f"{m} INTEGER NOT NULL CHECK ({m} >= 0)"
        for m in ("leaflets", "notices", "pledges", "app_installs", "group_pushes",
                  "lectures", "attendees", "events", "themes", "photos")
    )
    db.execute(
        f"""
        CREATE TABLE report_lines (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            line_id INTEGER NOT NULL CHECK (line_id >= 1),
            version INTEGER NOT NULL CHECK (version >= 1),
            action TEXT NOT NULL CHECK (action IN ('add', 'amend', 'void')),
            dept TEXT NOT NULL CHECK (dept <> ''),
            week TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
            target_kind TEXT NOT NULL CHECK (target_kind IN ('unit', 'grid', 'self')),
            target TEXT NOT NULL,
            {measures},
            progress INTEGER CHECK (progress BETWEEN 0 AND 100),
            duties TEXT NOT NULL,
            note TEXT,
            submitted_at TEXT NOT NULL,
            deadline TEXT NOT NULL,
            late INTEGER NOT NULL CHECK (late IN (0, 1)),
            source TEXT NOT NULL,
            source_row INTEGER,
            PRIMARY KEY (line_id, version)
        )
        """
    )
    # One week at a time (list, missing, the circular, an import's duplicate check).
    db.execute("CREATE INDEX report_lines_week ON report_lines(week, dept, target_kind, target)")
    # The chain reads each table in entry order; this lets it stream instead of sort.
    db.execute("CREATE INDEX report_lines_entry ON report_lines(entry_id, line_id, version)")
    # Photo evidence attached to a line: fingerprint and original name; the file itself is
    # kept in the evidence folder beside the ledger under `stored`.
    db.execute(
        """
        CREATE TABLE report_photos (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            seq INTEGER NOT NULL,
            line_id INTEGER NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size > 0),
            name TEXT NOT NULL,
            stored TEXT NOT NULL,
            PRIMARY KEY (entry_id, seq)
        )
        """
    )
    db.execute("CREATE INDEX report_photos_line ON report_photos(line_id)")
    db.execute("CREATE INDEX report_photos_sha256 ON report_photos(sha256)")
    for table in ("report_lines", "report_photos"):
        _guard(db, table)


@migrations()
def m004_performance(db: sqlite_utils.Database) -> None:
    # The whole plan in force after a load, as one fact of that load's entry: per kind of item,
    # [keys, parents, attrs] in the order the items started (plan_store.state_columns). It
    # holds nothing the entry's plan_items do not imply; reading it is what lets a province's
    # plan (hundreds of thousands of items) be read in a fraction of a second. Ledgers loaded
    # before this step have none: their plan is read from plan_items, with the same result.
    db.execute(
        """
        CREATE TABLE plan_states (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            state TEXT NOT NULL
        )
        """
    )
    _guard(db, "plan_states")
    # Derived, not ledger content (no entry_id, so outside the chain, like an index): each
    # department's count of current report lines per week, and how many of them came late,
    # kept by the triggers below as lines are written, so that the on-time weeks of a whole
    # campaign are read from departments × weeks rows instead of every line of every week.
    # `db verify` recomputes it from report_lines (queries.REPORT_WEEK_STATUS_FROM_LINES).
    db.execute(
        """
        CREATE TABLE report_week_status (
            week TEXT NOT NULL,
            dept TEXT NOT NULL,
            lines INTEGER NOT NULL,
            late_lines INTEGER NOT NULL,
            PRIMARY KEY (week, dept)
        )
        """
    )
    db.execute(f"INSERT INTO report_week_status (week, dept, lines, late_lines) {queries.REPORT_WEEK_STATUS_FROM_LINES}")
    # A new line (version 1) counts if it is not a void; a later version replaces the count
    # of the version before it (dept and week never change between versions).
    db.execute(
        """
        CREATE TRIGGER report_lines_status_new AFTER INSERT ON report_lines WHEN NEW.version = 1
        BEGIN
            INSERT INTO report_week_status (week, dept, lines, late_lines)
            VALUES (NEW.week, NEW.dept, NEW.action <> 'void', NEW.action <> 'void' AND NEW.late)
            ON CONFLICT (week, dept) DO UPDATE
            SET lines = lines + excluded.lines, late_lines = late_lines + excluded.late_lines;
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER report_lines_status_version AFTER INSERT ON report_lines WHEN NEW.version > 1
        BEGIN
            UPDATE report_week_status
            SET lines = lines + (NEW.action <> 'void') - (
                    SELECT p.action <> 'void' FROM report_lines AS p
                    WHERE p.line_id = NEW.line_id AND p.version = NEW.version - 1),
                late_lines = late_lines + (NEW.action <> 'void' AND NEW.late) - (
                    SELECT p.action <> 'void' AND p.late FROM report_lines AS p
                    WHERE p.line_id = NEW.line_id AND p.version = NEW.version - 1)
            WHERE week = NEW.week AND dept = NEW.dept;
        END
        """
    )


@migrations()
def m005_issued_weeks(db: sqlite_utils.Database) -> None:
    # A week's circular issued (印发): the week, its issue number, the entry it was computed
    # up to (the anchor) and that entry's hash, the date printed on it, and the SHA-256 of
    # its JSON. From then on the week's circular is computed as of the anchor; anything
    # recorded later about the week is a correction in the next circular issued.
    db.execute(
        """
        CREATE TABLE circular_issues (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            week TEXT NOT NULL UNIQUE CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
            issue_no INTEGER,
            anchor_id INTEGER NOT NULL CHECK (anchor_id >= 0),
            anchor_hash TEXT NOT NULL CHECK (length(anchor_hash) = 64),
            issued_on TEXT NOT NULL,
            json_sha256 TEXT NOT NULL CHECK (length(json_sha256) = 64)
        )
        """
    )
    _guard(db, "circular_issues")
    # The day a call-back's finding was made: its deduction is circulated in that day's week.
    # NULL for findings recorded before this step: they were dated by their call-back.
    # ADD COLUMN, not transform(): the table keeps its append-only triggers.
    db.execute("ALTER TABLE audit_findings ADD COLUMN verified_on TEXT")
    db.execute("CREATE INDEX audit_findings_verified ON audit_findings(verified_on)")


@migrations()
def m006_corrections(db: sqlite_utils.Database) -> None:
    # Cases outside every pairing (`case add --place`) and the plan's focus groups. A place
    # case has target_kind 'place' and the place as typed in `target`: the CHECK on
    # cases.target_kind is widened in place (SQLite's documented procedure for loosening a
    # CHECK: the rows on disk are untouched, so every old entry still verifies). `group_name`
    # is new and NULL for old rows, which the chain leaves out.
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cases'").fetchone()
    old_check = "CHECK (target_kind IN ('unit', 'grid'))"
    if row and old_check in row[0]:
        version = db.execute("PRAGMA schema_version").fetchone()[0]
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'cases'",
            {"sql": row[0].replace(old_check, "CHECK (target_kind IN ('unit', 'grid', 'place'))")},
        )
        db.execute(f"PRAGMA schema_version = {int(version) + 1}")
        db.execute("PRAGMA writable_schema = OFF")
    db.execute("ALTER TABLE cases ADD COLUMN group_name TEXT")
    # Corrections of a case (`case amend`, `case void`): each a whole new version of the case
    # (a void carries no values), in an entry that supersedes the case's latest entry. The
    # current case is the latest version with entry_id <= upto (queries.CURRENT_CASES).
    # `case_no` is the number the case was registered under (cases.case_no).
    db.execute(
        """
        CREATE TABLE case_versions (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            case_no TEXT NOT NULL REFERENCES cases(case_no),
            action TEXT NOT NULL CHECK (action IN ('amend', 'void')),
            case_date TEXT,
            fraud_type TEXT,
            target_kind TEXT CHECK (target_kind IN ('unit', 'grid', 'place')),
            target TEXT,
            loss_fen INTEGER CHECK (loss_fen >= 0),
            group_name TEXT,
            victim_name TEXT,
            victim_phone TEXT,
            victim_id_number TEXT,
            note TEXT,
            CHECK (action = 'void' OR (case_date IS NOT NULL AND fraud_type IS NOT NULL
                                       AND target_kind IS NOT NULL AND target IS NOT NULL))
        )
        """
    )
    db.execute("CREATE INDEX case_versions_case ON case_versions(case_no, entry_id)")
    db.execute("CREATE INDEX case_versions_date ON case_versions(case_date, target_kind, target)")
    # Deductions written since this step that do not fit `deductions` (a unit case charging
    # each department paired with the unit, with or without a named officer), and where an
    # audit's deductions fall after a correction moved them (a case's grid, unit or date
    # amended, a call-back moved to another case): the rows of the latest entry that wrote
    # deductions for an audit, in `deductions` or here, are its deductions (`clear`: none).
    # See queries.CURRENT_DEDUCTIONS.
    db.execute(
        """
        CREATE TABLE deduction_changes (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            audit_id INTEGER NOT NULL REFERENCES audits(entry_id),
            action TEXT NOT NULL CHECK (action IN ('charge', 'clear')),
            subject_kind TEXT NOT NULL CHECK (subject_kind IN ('officer', 'department')),
            subject TEXT NOT NULL,
            officer TEXT,
            department TEXT NOT NULL,
            case_no TEXT NOT NULL REFERENCES cases(case_no),
            case_date TEXT NOT NULL,
            PRIMARY KEY (entry_id, audit_id, subject_kind, subject)
        )
        """
    )
    db.execute("CREATE INDEX deduction_changes_audit ON deduction_changes(audit_id, entry_id)")
    db.execute("CREATE INDEX deduction_changes_window ON deduction_changes(case_date, subject_kind, subject, audit_id)")
    db.execute("CREATE INDEX deduction_changes_subject ON deduction_changes(subject_kind, subject, case_date)")
    db.execute("CREATE INDEX deduction_changes_case ON deduction_changes(case_no)")
    # Corrections of a call-back (`audit amend`, `audit void`): whole new versions of the
    # call-back (a void carries no values).
    db.execute(
        """
        CREATE TABLE audit_versions (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            audit_id INTEGER NOT NULL REFERENCES audits(entry_id),
            action TEXT NOT NULL CHECK (action IN ('amend', 'void')),
            case_no TEXT REFERENCES cases(case_no),
            audit_date TEXT,
            publicity_received INTEGER CHECK (publicity_received IN (0, 1)),
            officer TEXT,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX audit_versions_audit ON audit_versions(audit_id, entry_id)")
    db.execute("CREATE INDEX audit_versions_date ON audit_versions(audit_date)")
    db.execute("CREATE INDEX audit_versions_case ON audit_versions(case_no)")
    # Corrections of a dissuasion (`dissuasion amend`, `dissuasion void`).
    db.execute(
        """
        CREATE TABLE dissuasion_versions (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            dissuasion_id INTEGER NOT NULL REFERENCES dissuasions(entry_id),
            action TEXT NOT NULL CHECK (action IN ('amend', 'void')),
            officer TEXT,
            department TEXT,
            dissuasion_date TEXT,
            amount_saved_fen INTEGER CHECK (amount_saved_fen >= 0),
            case_no TEXT,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX dissuasion_versions_of ON dissuasion_versions(dissuasion_id, entry_id)")
    db.execute("CREATE INDEX dissuasion_versions_date ON dissuasion_versions(dissuasion_date)")
    # A discipline step recorded by mistake (`discipline void`): it no longer counts as done.
    db.execute(
        """
        CREATE TABLE discipline_voids (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            step_id INTEGER NOT NULL UNIQUE REFERENCES discipline_steps(entry_id),
            reason TEXT NOT NULL CHECK (reason <> '')
        )
        """
    )
    for table in ("case_versions", "deduction_changes", "audit_versions", "dissuasion_versions", "discipline_voids"):
        _guard(db, table)


@migrations()
def m007_vault(db: sqlite_utils.Database) -> None:
    # Victims' data is sealed (vault.py): a case's ID number gets a keyed hash beside its
    # ciphertext, so a victim seen before is found without decrypting. NULL on rows written
    # before, so their hashes hold.
    for table in ("cases", "case_versions"):
        db.execute(f'ALTER TABLE "{table}" ADD COLUMN victim_id_hmac TEXT')
        db.execute(f'CREATE INDEX "{table}_victim_id_hmac" ON "{table}"(victim_id_hmac)')
    # `key rotate`: each sealed value (or keyed hash) under the old key, and the same value
    # under the new one. The old ciphertext stays where it was (append-only); reading follows
    # old -> new until it reaches a key this machine holds, so the old key can be destroyed.
    db.execute(
        """
        CREATE TABLE reseals (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            old TEXT NOT NULL,
            new TEXT NOT NULL,
            PRIMARY KEY (entry_id, old)
        )
        """
    )
    db.execute("CREATE INDEX reseals_old ON reseals(old)")
    db.execute("CREATE INDEX reseals_new ON reseals(new)")
    # `db reseal`: the first entry of a ledger made from a plain-text one records the old
    # ledger's last entry and hash, so the new chain vouches for the old.
    db.execute(
        """
        CREATE TABLE reseal_origins (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            old_file TEXT NOT NULL,
            old_last_id INTEGER NOT NULL,
            old_last_hash TEXT NOT NULL
        )
        """
    )
    # ... and the old ledger's hash of every entry it copied, so each anchor printed on a
    # circular issued from the old ledger still checks (`db verify --anchor`).
    db.execute(
        """
        CREATE TABLE reseal_hashes (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            old_id INTEGER NOT NULL,
            old_hash TEXT NOT NULL,
            PRIMARY KEY (entry_id, old_id)
        )
        """
    )
    db.execute("CREATE INDEX reseal_hashes_old ON reseal_hashes(old_id, old_hash)")
    for table in ("reseals", "reseal_origins", "reseal_hashes"):
        _guard(db, table)


@migrations()
def m008_plan_lookups(db: sqlite_utils.Database) -> None:
    # Single-record writes look up the names they were given in the plan as recorded
    # (plan_lookup.py) rather than building the whole plan: by key (plan_items_identity) and,
    # for the officers paired with a grid, by parent.
    db.execute("CREATE INDEX plan_items_parent ON plan_items(item_kind, parent, key, effective, entry_id)")
    # Every command asks whether victims' data is still held in clear (sealing.plain_victims):
    # a partial index of just those rows answers without reading every case. Its condition
    # is sealing.PLAIN_VICTIM, written out here as a landed step must not change with it.
    plain = " OR ".join(f"({c} IS NOT NULL AND instr({c}, '|fz1:') = 0)"
                        for c in ("victim_name", "victim_phone", "victim_id_number"))
    for table in ("cases", "case_versions"):
        db.execute(f'CREATE INDEX "{table}_plain_victims" ON "{table}"(entry_id) WHERE {plain}')


@migrations()
def m009_case_numbers(db: sqlite_utils.Database) -> None:
    # A typed case number neither stored as typed nor in normal form is compared with the
    # numbers not in normal form only (queries.UNUSUAL_CASE_NOS, whose condition this is),
    # not with every case number of the ledger.
    db.execute("CREATE INDEX cases_unusual_case_no ON cases(entry_id) WHERE"
               " (case_no <> upper(case_no) OR case_no GLOB '*[^ -~]*' OR case_no <> trim(case_no))")



@migrations()
def m010_plan_rows(db: sqlite_utils.Database) -> None:
    # Derived, not ledger content (no entry_id, so outside the chain, like report_week_status):
    # each plan version's departments, pairings and officers as the circular and `report
    # missing` read them (plan_rows.py), written with each plan load, checked by `db verify`.
    db.execute(
        """
        CREATE TABLE plan_version_departments (
            version_entry INTEGER NOT NULL, pos INTEGER NOT NULL, dept TEXT NOT NULL, attrs TEXT NOT NULL,
            targets INTEGER NOT NULL,
            PRIMARY KEY (version_entry, pos)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE plan_version_targets (
            version_entry INTEGER NOT NULL, pos INTEGER NOT NULL, dept TEXT NOT NULL, kind TEXT NOT NULL,
            target TEXT NOT NULL, scored INTEGER NOT NULL, officers TEXT,
            PRIMARY KEY (version_entry, pos)
        )
        """
    )
    db.execute("CREATE INDEX plan_version_targets_dept ON plan_version_targets(version_entry, dept, target, scored)")
    db.execute(
        """
        CREATE TABLE plan_version_officers (
            version_entry INTEGER NOT NULL, pos INTEGER NOT NULL, badge TEXT NOT NULL, name TEXT,
            station TEXT NOT NULL, grids INTEGER NOT NULL,
            PRIMARY KEY (version_entry, pos)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE plan_version_officer_grids (
            version_entry INTEGER NOT NULL, badge TEXT NOT NULL, grid TEXT NOT NULL,
            PRIMARY KEY (version_entry, badge, grid)
        )
        """
    )
    from fanzha_cli import plan_rows  # the rows of every version loaded so far

    plan_rows.fill(db.conn)


@migrations()
def m013_report_lines_current(db: sqlite_utils.Database) -> None:
    # `report missing` (issue 15): its two passes over a week's lines read from indexes only.
    # The week index also carries what they judge a line by (action, line_id, version, late,
    # submitted_at), so no line is fetched from the table; it replaces report_lines_week, of
    # which it is an extension (every query that used that one uses this one the same way).
    db.execute("CREATE INDEX report_lines_week_current ON report_lines("
               "week, dept, target_kind, target, action, line_id, version, late, submitted_at)")
    db.execute("DROP INDEX report_lines_week")
    # "Is there a later version of this line" asked of the lines that are later versions only
    # (amendments and voids, few), not of the primary key's index over every line.
    db.execute("CREATE INDEX report_lines_later ON report_lines(line_id, version) WHERE version > 1")
    # The plan version's targets in position order with what PLAN_ROWS_UNREPORTED reads.
    db.execute("CREATE INDEX plan_version_targets_pos ON plan_version_targets("
               "version_entry, pos, scored, dept, kind, target)")


@migrations()
def m014_report_week_status_times(db: sqlite_utils.Database) -> None:
    # `report missing` (issue 15) reads each department's week from report_week_status instead
    # of every line of the week: beside the counts, the first and last time a current line came
    # in and how many current lines are the officers' own publicity (self). Still derived, still
    # recomputed by `db verify` (queries.REPORT_WEEK_STATUS_RECOUNT) and, as of an earlier
    # entry, computed by asof.py from the lines themselves.
    for column in ("first_at TEXT", "last_at TEXT", "self_lines INTEGER NOT NULL DEFAULT 0"):
        db.execute(f"ALTER TABLE report_week_status ADD COLUMN {column}")
    # Counted once into a keyed temporary table, then copied row by row (not UPDATE ... FROM,
    # which SQLite before 3.33 refuses). A row with no current line (all voided; or, in a ledger
    # changed behind fanzha's back, any row the recount lacks: `db verify` says so) keeps NULL, 0.
    db.execute(f"CREATE TEMP TABLE m014_recount AS {queries.REPORT_WEEK_STATUS_RECOUNT}")
    db.execute("CREATE INDEX temp.m014_recount_key ON m014_recount(week, dept)")
    of_row = "FROM temp.m014_recount AS f WHERE f.week = report_week_status.week AND f.dept = report_week_status.dept"
    db.execute(f"""
        UPDATE report_week_status
        SET first_at = (SELECT f.first_at {of_row}), last_at = (SELECT f.last_at {of_row}),
            self_lines = coalesce((SELECT f.self_lines {of_row}), 0)
        """)
    db.execute("DROP TABLE temp.m014_recount")
    # A new line adds itself; the earliest and latest times only move outwards.
    db.execute("DROP TRIGGER IF EXISTS report_lines_status_new")  # (a forged ledger may lack it: verify says so)
    db.execute(
        """
        CREATE TRIGGER report_lines_status_new AFTER INSERT ON report_lines WHEN NEW.version = 1
        BEGIN
            INSERT INTO report_week_status (week, dept, lines, late_lines, first_at, last_at, self_lines)
            VALUES (NEW.week, NEW.dept, NEW.action <> 'void', NEW.action <> 'void' AND NEW.late,
                    CASE WHEN NEW.action <> 'void' THEN NEW.submitted_at END,
                    CASE WHEN NEW.action <> 'void' THEN NEW.submitted_at END,
                    NEW.action <> 'void' AND NEW.target_kind = 'self' AND NEW.target = '')
            ON CONFLICT (week, dept) DO UPDATE
            SET lines = lines + excluded.lines, late_lines = late_lines + excluded.late_lines,
                first_at = min(coalesce(first_at, excluded.first_at), coalesce(excluded.first_at, first_at)),
                last_at = max(coalesce(last_at, excluded.last_at), coalesce(excluded.last_at, last_at)),
                self_lines = self_lines + excluded.self_lines;
        END
        """
    )
    # An amendment or a void can take away the earliest or latest line, which no running
    # figure can undo: the department's week is counted again from its current lines (a few
    # dozen, found by the week index; amendments are rare beside new lines).
    db.execute("DROP TRIGGER IF EXISTS report_lines_status_version")
    db.execute(
        f"""
        CREATE TRIGGER report_lines_status_version AFTER INSERT ON report_lines WHEN NEW.version > 1
        BEGIN
            UPDATE report_week_status
            SET (lines, late_lines, first_at, last_at, self_lines) = ({queries.REPORT_WEEK_STATUS_OF_DEPT_WEEK})
            WHERE week = NEW.week AND dept = NEW.dept;
        END
        """
    )
    # The on-time weeks of a long period (the circular's commendations late in the year) read
    # department by department, already in GROUP BY order, instead of sorting every row of the
    # period (commend.on_time_weeks chooses it for long periods).
    db.execute("CREATE INDEX report_week_status_dept ON report_week_status(dept, week, lines, late_lines)")


@migrations()
def m015_cases_by_target(db: sqlite_utils.Database) -> None:
    # The targets that had a case in a period (plan_rows._hits, the circular's zero-case
    # judgement from the campaign's start) read from this index alone, already in the order of
    # temp.zero_hits' key: no case row is fetched and nothing is sorted. Over a year of a
    # province's cases, a quarter of the time of reading them by date (issue 15).
    db.execute("CREATE INDEX cases_target ON cases(target_kind, target, case_date, case_no, entry_id)")


@migrations()
def m016_circular_phrasing(db: sqlite_utils.Database) -> None:
    # The phrasing of an issued circular's corrections section (corrections.PHRASING), so that
    # a newer phrasing never changes the bytes of a circular issued before it. NULL: issued
    # before this step, in phrasing 1 (a NULL is left out of the chain's canonical row, so the
    # hashes of the issues already recorded do not change). ADD COLUMN keeps the table's
    # append-only triggers.
    db.execute("ALTER TABLE circular_issues ADD COLUMN phrasing INTEGER")
