"""Registry (socialregister): persons, intake, cases, investigations, decisions, the access audit."""
