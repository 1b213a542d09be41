"""Journal: case notes, their corrections, addenda and signing (journalanteckningar)."""
