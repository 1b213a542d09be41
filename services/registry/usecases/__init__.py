"""What the registry does, one module per resource. Each use case takes a unit of work and the
user (a Grant) and does its work inside `async with uow:`: it checks the user's scope, applies
the rules of the domain, reads and writes through the store, publishes events and logs reads of
personal data. A list's use case answers its rows of one page and the cursor of the next."""
