"""Moderation: an explainable spam and miracle-cure detector, and the moderators' review queue."""
