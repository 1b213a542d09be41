-- The daily search for persons due for culling (gallring): one row per day it ran, taken in the
-- transaction that counts and publishes, so each day's search runs once whatever restarts.
CREATE TABLE retention_searches (
    day    date PRIMARY KEY,
    ran_at timestamptz NOT NULL,
    due    integer NOT NULL
);
