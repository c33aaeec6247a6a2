"""The domain: applications, the state machine, legal clocks, fees, services and persistence."""
