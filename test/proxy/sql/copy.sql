-- COPY every way psql drives it: text, CSV with quoting and headers, NULLs
-- and escapes, errors half-way through a COPY FROM, COPY of a query,
-- \copy, and a large COPY in and out.
CREATE TEMP TABLE items (id int PRIMARY KEY, name text, price numeric, tags text[], note text);
COPY items FROM STDIN;
1	apple	1.25	{red,fruit}	\N
2	tab\there	0	{}	back\\slash
3	new\nline	99.99	{"a b",c}	ünïcödé
\.
COPY items FROM STDIN WITH (FORMAT csv, HEADER true, NULL 'NULL');
id,name,price,tags,note
4,"quoted, comma",2.50,"{x,y}",NULL
5,"say ""hi""",3,{},"multi
line"
\.
COPY items FROM STDIN WITH (FORMAT csv);
6,six,6,{},ok
6,duplicate,6,{},fails
\.
COPY items FROM STDIN WITH (FORMAT csv);
7,seven,not-a-number,{},bad
\.
COPY items TO STDOUT;
COPY items TO STDOUT WITH (FORMAT csv, HEADER true, FORCE_QUOTE *);
COPY (SELECT id, upper(name) FROM items WHERE id > 2 ORDER BY id) TO STDOUT WITH (FORMAT csv, DELIMITER '|');
\copy items (id, name) to stdout with (format csv)
CREATE TEMP TABLE big (n int, s text);
INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
COPY big TO STDOUT WITH (FORMAT csv);
COPY items FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (note));
8,eight,8,{},
\.
SELECT id, name, note IS NULL AS null_note, note = '' AS empty_note FROM items ORDER BY id;
COPY no_such_table FROM STDIN;
COPY items TO STDOUT WITH (FORMAT nonsense);
