"""Exercise streaks: opt-in check-ins with MS-aware rules (rest days, pauses, local days)."""
