-- Functions, triggers, exceptions, notices at every level, savepoints and
-- cursors: what makes a session's messages interleave (NoticeResponse in
-- the middle of results, errors inside transaction blocks, portals).
SET client_min_messages = debug1;
CREATE TEMP TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric NOT NULL DEFAULT 0 CHECK (balance >= 0));
CREATE TEMP TABLE audit (at serial, what text);
CREATE FUNCTION pg_temp.audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit (what) VALUES (TG_OP || ' ' || coalesce(NEW.owner, OLD.owner));
  RAISE NOTICE 'trigger % on % for %', TG_NAME, TG_TABLE_NAME, coalesce(NEW.id, OLD.id);
  RETURN coalesce(NEW, OLD);
END $$;
CREATE TRIGGER accounts_audit AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION pg_temp.audit_change();
INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bob', 50), (3, 'cy', 0);
CREATE FUNCTION pg_temp.transfer(src int, dst int, amount numeric) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  left_over numeric;
BEGIN
  UPDATE accounts SET balance = balance - amount WHERE id = src RETURNING balance INTO left_over;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account %', src USING ERRCODE = 'P0002', HINT = 'check the id', DETAIL = format('source %s', src);
  END IF;
  UPDATE accounts SET balance = balance + amount WHERE id = dst;
  RAISE DEBUG 'moved % from % to %', amount, src, dst;
  RAISE LOG 'a log line the client does not see';
  RAISE INFO 'left on %: %', src, left_over;
  RAISE WARNING 'a warning with a detail' USING DETAIL = 'details matter';
  RETURN format('%s -> %s: %s', src, dst, amount);
EXCEPTION WHEN check_violation THEN
  RAISE NOTICE 'not enough money on %', src;
  RETURN 'refused';
END $$;
SELECT pg_temp.transfer(1, 2, 30);
SELECT pg_temp.transfer(3, 1, 10);
SELECT pg_temp.transfer(9, 1, 10);
SELECT id, owner, balance FROM accounts ORDER BY id;
BEGIN;
SAVEPOINT a;
SELECT pg_temp.transfer(9, 1, 1);
ROLLBACK TO SAVEPOINT a;
SELECT pg_temp.transfer(2, 3, 5);
SAVEPOINT b;
DELETE FROM accounts WHERE id = 3;
ROLLBACK TO b;
RELEASE a;
COMMIT;
SELECT what FROM audit ORDER BY at;
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT g, g * g AS sq FROM generate_series(1, 1000) g;
FETCH 3 FROM c;
FETCH FORWARD 2 FROM c;
MOVE ABSOLUTE 500 IN c;
FETCH BACKWARD 2 FROM c;
FETCH LAST FROM c;
FETCH 5 FROM c;
CLOSE c;
FETCH 1 FROM c;
ROLLBACK;
DO $$
DECLARE r record; n int := 0;
BEGIN
  FOR r IN SELECT g FROM generate_series(1, 25) g LOOP
    n := n + r.g;
    IF r.g % 10 = 0 THEN RAISE NOTICE 'at % the sum is %', r.g, n; END IF;
  END LOOP;
  PERFORM pg_notify('plpgsql_channel', n::text);
END $$;
LISTEN plpgsql_channel;
DO $$ BEGIN PERFORM pg_notify('plpgsql_channel', 'from a DO block'); END $$;
CREATE FUNCTION pg_temp.rows_of(n int) RETURNS TABLE (i int, label text) LANGUAGE sql AS $$ SELECT g, 'row ' || g FROM generate_series(1, n) g $$;
SELECT * FROM pg_temp.rows_of(4);
SELECT count(*) FROM pg_temp.rows_of(100000);
CREATE PROCEDURE pg_temp.bump(INOUT x int) LANGUAGE plpgsql AS $$ BEGIN x := x + 1; COMMIT; END $$;
CALL pg_temp.bump(41);
SELECT pg_temp.no_such_function();
SET client_min_messages = notice;
