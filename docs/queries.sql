-- Questions users ask of the evex event database, answered in SQL that runs unchanged on SQLite
-- and Postgres. Run one with `evex query "..."` (read-only), or paste it into `sqlite3 evex.db` or
-- `psql`. Each query is tested on both databases by tests/test_queries.py.
--
-- The views (migration 0002) do the joins:
--   event_overview           one row per event: type, start, "end", location, status, participants
--                            (one string, in order of first mention), n_articles, n_sources,
--                            first_reported (earliest article date), first_source (URL or file)
--   event_participants_view  one row per (event, participant): name, kind, title, n_articles
--   article_events           one row per (article, event it reports): the article's own view of
--                            the event (dates, place, status), first trigger, link_rule
-- Dates are ISO strings at the precision the text allows (YYYY, YYYY-MM or YYYY-MM-DD), so they
-- sort and compare as text; events.first_day/last_day hold the days an event may cover. SQLite
-- sorts NULL first and Postgres last, hence `x IS NULL, x` where a sorted column may be empty.

-- name: events_by_type
-- How many events of each type are there, and how many article reports describe them?
SELECT type, COUNT(*) AS events, SUM(n_articles) AS reports
FROM event_overview
GROUP BY type
ORDER BY events DESC, type;

-- name: events_in_period
-- Which events took place, at least in part, in December 2023?
SELECT e.id AS event_id, e.type, e.start, e."end", e.location
FROM events AS e
WHERE e.first_day <= '2023-12-31' AND e.last_day >= '2023-12-01'
ORDER BY e.first_day, e.id;

-- name: meetings_with_participant
-- Which meetings did Algeria take part in, where and when?
SELECT v.event_id, v.start, v."end", v.location, v.n_articles
FROM event_participants_view AS v
WHERE v.participant = 'Algérie' AND v.event_type = 'MEETING'
ORDER BY v.start IS NULL, v.start, v.event_id;

-- name: most_frequent_participants
-- Who takes part in the most events?
SELECT participant, kind, COUNT(DISTINCT event_id) AS events
FROM event_participants_view
GROUP BY participant, kind
ORDER BY events DESC, participant
LIMIT 20;

-- name: events_by_location
-- Where do events happen most often, and of which types?
SELECT location, COUNT(*) AS events,
       SUM(CASE WHEN type = 'MEETING' THEN 1 ELSE 0 END) AS meetings,
       SUM(CASE WHEN type = 'VISIT' THEN 1 ELSE 0 END) AS visits
FROM events
WHERE location IS NOT NULL
GROUP BY location
ORDER BY events DESC, location;

-- name: planned_events
-- Which events were still to come when an article reported them, in date order?
SELECT event_id, type, start, location, participants, first_source
FROM event_overview
WHERE status = 'planned'
ORDER BY start IS NULL, start, event_id;

-- name: events_reported_by_several_articles
-- Which events are reported by more than one article, and why were the reports linked?
SELECT ae.event_id, ae.type, ae.doc_id, ae.doc_date, ae.link_rule
FROM article_events AS ae
WHERE ae.event_id IN (SELECT id FROM events WHERE n_articles > 1)
ORDER BY ae.event_id, ae.doc_date IS NULL, ae.doc_date, ae.doc_id;

-- name: participant_pairs
-- Which pairs of participants appear together in the most events?
SELECT a.participant AS first, b.participant AS second, COUNT(*) AS events
FROM event_participants_view AS a
JOIN event_participants_view AS b ON b.event_id = a.event_id AND b.entity_id > a.entity_id
GROUP BY a.participant, b.participant
ORDER BY events DESC, first, second
LIMIT 20;

-- name: events_per_month
-- How many events start each month?
SELECT SUBSTR(start, 1, 7) AS month, COUNT(*) AS events
FROM events
WHERE LENGTH(start) >= 7
GROUP BY SUBSTR(start, 1, 7)
ORDER BY month;

-- name: articles_without_events
-- Which stored articles yielded no event (or failed), and why?
SELECT a.doc_id, a.doc_date, a.status, a.error, a.source
FROM articles AS a
WHERE NOT EXISTS (SELECT 1 FROM event_reports AS r WHERE r.article_id = a.id)
ORDER BY a.doc_id;
