"""Reusable widgets: the countdown, the prompt card, the agenda bar and the idea list."""
