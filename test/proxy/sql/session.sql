-- A psql session rich in what a proxy must carry: errors, notices, COPY both ways,
-- \gset, LISTEN/NOTIFY, large results, a large object, an aborted transaction.
SELECT 1 AS one, 'two' AS two, NULL AS three;
SELECT * FROM no_such_table;
DO $$ BEGIN RAISE NOTICE 'a notice with %', 42; RAISE WARNING 'and a warning'; END $$;
CREATE TEMP TABLE t (id int PRIMARY KEY, v text, b bytea);
COPY t (id, v) FROM STDIN;
1	one
2	two
3	\N
\.
COPY t (id, v) FROM STDIN;
4	four
4	duplicate
\.
COPY t TO STDOUT;
\copy t to stdout with (format csv, header)
UPDATE t SET b = decode('deadbeef00ff', 'hex') WHERE id = 1 RETURNING id, b;
SELECT 42 AS answer, 'x' AS letter \gset
SELECT :answer + 1 AS next, :'letter' AS letter;
LISTEN proxy_channel;
NOTIFY proxy_channel, 'hello';
SELECT pg_notify('proxy_channel', 'again');
BEGIN;
SELECT 1 / 0;
SELECT 'skipped';
ROLLBACK;
SELECT count(*), sum(g) FROM generate_series(1, 200000) g;
SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
SELECT length(repeat('y', 3000000)) AS big, md5(repeat('y', 3000000));
PREPARE twice(int) AS SELECT $1 * 2 AS doubled;
EXECUTE twice(21);
\lo_import :lofile
SELECT length(lo_get(:LASTOID)) AS lo_bytes, md5(lo_get(:LASTOID));
\lo_unlink :LASTOID
SELECT E'\\x00'::bytea, 'ünïcödé ✓' AS text;
\echo done
