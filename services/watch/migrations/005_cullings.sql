-- Gallring: each culling watch has carried out (person.culling_approved), once, with the rows it
-- deleted per kind; never whose they were.
CREATE TABLE cullings (
    culling_id uuid PRIMARY KEY,
    counts     jsonb NOT NULL,
    culled_at  timestamptz NOT NULL
);
