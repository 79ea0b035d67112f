""" "Effective as of a date" in SQL (CONVENTIONS.md), shared by every engine that reads the warehouse.

A patent is effective on date D when it was granted on or before D, D lies within its statutory term counted
from the filing date (invention 20 years, utility model 10, design 10 or 15 for designs filed from 2021-06-01),
and its latest termination fact on or before D is not a termination. Termination facts are the ``lapse_date``
column and the dated ``lapse`` / ``invalidation`` events; a ``restoration`` event ends a termination; a
``grant`` event supplies a grant date the export lacked. Replaying dated facts keeps past dates correct after
later updates.
"""

TERM_END = """
CREATE OR REPLACE MACRO term_end(patent_type, app_date) AS
    app_date + to_years(CASE
        WHEN patent_type = 'invention' THEN 20
        WHEN patent_type = 'design' AND app_date >= DATE '2021-06-01' THEN 15
        ELSE 10 END)
"""

EFFECTIVE_ON = """
CREATE OR REPLACE MACRO effective_on(d) AS TABLE
WITH facts AS (
    SELECT app_no, lapse_date AS fact_date, 1 AS terminates FROM patents WHERE lapse_date IS NOT NULL
    UNION ALL
    SELECT app_no, event_date, CASE WHEN event_type = 'restoration' THEN 0 ELSE 1 END
    FROM events WHERE event_type IN ('lapse', 'invalidation', 'restoration')
),
latest AS (
    SELECT app_no, arg_max(terminates, fact_date) AS terminated
    FROM facts WHERE fact_date <= CAST(d AS DATE) GROUP BY app_no
),
grants AS (
    SELECT app_no, min(event_date) AS event_grant FROM events WHERE event_type = 'grant' GROUP BY app_no
)
SELECT p.*
FROM patents p
LEFT JOIN latest l USING (app_no)
LEFT JOIN grants g USING (app_no)
WHERE coalesce(p.grant_date, g.event_grant) <= CAST(d AS DATE)
  AND CAST(d AS DATE) < term_end(p.patent_type, p.app_date)
  AND coalesce(l.terminated, 0) = 0
"""

ASOF_MACROS = (TERM_END, EFFECTIVE_ON)
