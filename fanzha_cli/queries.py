"""Named read-only SQL. Values are always bound parameters (:name), never formatted in."""

# The roster and pairings in force on :on. For each (item_kind, key, parent) the latest
# fact effective on or before :on wins (a later load breaks ties); an `end` means gone.
PLAN_STATE_ON = """
SELECT item_kind, key, parent, attrs, effective, entry_id
FROM (
    SELECT p.*, row_number() OVER (
        PARTITION BY item_kind, key, parent ORDER BY effective DESC, entry_id DESC
    ) AS rn
    FROM plan_items AS p
    WHERE p.effective <= :on
)
WHERE rn = 1 AND action = 'start'
"""

# The plan version (settings) in force on :on.
PLAN_VERSION_ON = """
SELECT v.entry_id, v.effective, v.source, v.source_sha256, v.settings,
       e.operator, e.recorded_at, e.reason
FROM plan_versions AS v JOIN entries AS e ON e.id = v.entry_id
WHERE v.effective <= :on
ORDER BY v.effective DESC, v.entry_id DESC
LIMIT 1
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

ENTRY_COUNT = "SELECT count(*) AS n FROM entries"
