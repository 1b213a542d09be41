-- The caseworker's day: what a note's information comes from, a part not shown to the person,
-- the person's own reading and addenda, and the names of authors.

-- Whose case it is, as a citizen's token can be matched to it (shared/pin.py person_ref, from
-- case.opened): a citizen reads the signed notes of their own cases.
ALTER TABLE cases ADD COLUMN person_ref text;
CREATE INDEX cases_by_person_ref ON cases (person_ref) WHERE person_ref IS NOT NULL;

-- Each version states the source of its information (uppgiftens källa); a correction keeps it.
-- Notes written before it was asked for have none (NULL: not stated). A version may also hold
-- a part not shown to the person (withheld_text), with the reason under the secrecy act
-- (withheld_reason, e.g. "OSL 26 kap. 5 §"); caseworkers see it, the person never does.
-- Adding columns fires no row trigger: versions still cannot be updated or deleted.
ALTER TABLE note_versions
    ADD COLUMN source text
        CHECK (source IN ('person', 'relative', 'other_authority', 'own_observation', 'other')),
    ADD COLUMN withheld_text text,
    ADD COLUMN withheld_reason text,
    ADD CONSTRAINT withheld_has_reason CHECK ((withheld_text IS NULL) = (withheld_reason IS NULL));

-- Who wrote an addendum: a member of staff (tillägg by the caseworker, e.g. recording the
-- person's objection) or the person themselves (their own comment, written in /me).
ALTER TABLE addenda ADD COLUMN author_kind text NOT NULL DEFAULT 'staff'
    CHECK (author_kind IN ('staff', 'person'));

-- The journal's read model of the staff directory (staff.changed): the name and title shown
-- beside what a member of staff wrote. One row per subject, the latest change.
CREATE TABLE staff (
    subject    text PRIMARY KEY,
    name       text NOT NULL,
    title      text,
    unit       text NOT NULL,
    changed_at timestamptz NOT NULL
);
