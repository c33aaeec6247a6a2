"""Deadline alerts and legal lapses: the sweep, deliveries (in-app, e-mail, webhook), the scheduler."""
