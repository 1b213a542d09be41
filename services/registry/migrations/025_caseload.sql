-- The unit overview's caseload (GET /worklists/unit-overview): the open cases of each caseworker of a
-- unit, counted per due date of the ongoing investigation (infinity for a case without one). Kept by
-- the trigger below in the same transaction as whatever opens, closes, removes, restores, hands over
-- or culls a case or moves its deadline, so the overview reads a few rows per caseworker instead of
-- counting every open case of the unit (tens of thousands in a large municipality) on each request.
-- caseload_rebuild() counts it again from the cases, for data loaded with the triggers off.
CREATE TABLE caseload (
    unit        text NOT NULL,
    caseworker  text NOT NULL,
    due_on      date NOT NULL,
    open_cases  integer NOT NULL CHECK (open_cases >= 0),
    PRIMARY KEY (unit, caseworker, due_on)
);

CREATE FUNCTION caseload_add(u text, w text, d date, delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF delta > 0 THEN
        INSERT INTO caseload AS l (unit, caseworker, due_on, open_cases) VALUES (u, w, d, delta)
            ON CONFLICT (unit, caseworker, due_on) DO UPDATE SET open_cases = l.open_cases + EXCLUDED.open_cases;
    ELSE  -- the row is locked by this transaction from here: a count down to nothing goes
        UPDATE caseload SET open_cases = open_cases + delta WHERE unit = u AND caseworker = w AND due_on = d;
        DELETE FROM caseload WHERE unit = u AND caseworker = w AND due_on = d AND open_cases = 0;
    END IF;
END $$;

CREATE FUNCTION caseload_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_open boolean := TG_OP <> 'INSERT' AND OLD.status = 'open' AND OLD.removed_at IS NULL;
    is_open  boolean := TG_OP <> 'DELETE' AND NEW.status = 'open' AND NEW.removed_at IS NULL;
    old_due  date;
    new_due  date;
BEGIN
    IF was_open THEN old_due := COALESCE(OLD.ongoing_due_on, DATE 'infinity'); END IF;
    IF is_open THEN new_due := COALESCE(NEW.ongoing_due_on, DATE 'infinity'); END IF;
    IF was_open AND is_open THEN
        IF (OLD.unit, OLD.caseworker, old_due) = (NEW.unit, NEW.caseworker, new_due) THEN
            RETURN NULL;
        END IF;
        -- Two rows change: always the lower key first, so that two hand-overs the opposite way
        -- (A to B and B to A) wait for each other instead of deadlocking.
        IF (NEW.unit, NEW.caseworker, new_due) < (OLD.unit, OLD.caseworker, old_due) THEN
            PERFORM caseload_add(NEW.unit, NEW.caseworker, new_due, 1);
            PERFORM caseload_add(OLD.unit, OLD.caseworker, old_due, -1);
            RETURN NULL;
        END IF;
    END IF;
    IF was_open THEN PERFORM caseload_add(OLD.unit, OLD.caseworker, old_due, -1); END IF;
    IF is_open THEN PERFORM caseload_add(NEW.unit, NEW.caseworker, new_due, 1); END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cases_keep_caseload
    AFTER INSERT OR DELETE OR UPDATE OF status, unit, caseworker, ongoing_due_on, removed_at ON cases
    FOR EACH ROW EXECUTE FUNCTION caseload_keep();

CREATE FUNCTION caseload_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM caseload;
    INSERT INTO caseload (unit, caseworker, due_on, open_cases)
    SELECT unit, caseworker, COALESCE(ongoing_due_on, DATE 'infinity'), count(*)
      FROM cases WHERE status = 'open' AND removed_at IS NULL
     GROUP BY 1, 2, 3;
$$;
SELECT caseload_rebuild();
