"""What orders does, one module per resource: each use case takes a unit of work and the asker,
checks the asker's scope, applies the domain's rules, writes through the store, and publishes
its events and logs its reads through the unit of work, in one transaction."""
