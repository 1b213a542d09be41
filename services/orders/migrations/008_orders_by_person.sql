-- A person's orders across their cases (the caseworker's worklist "a person's orders").
CREATE INDEX orders_person ON orders (person_id, id) WHERE person_id IS NOT NULL;
