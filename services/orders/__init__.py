"""Orders: providers, orders and their life cycle, delivered-time reports, reimbursement basis (beställning, utförare)."""
