"""The applicants' portal (no login): 申请指南, online submission, receipt by confirmation, progress,
letter verification. Everything an anonymous caller can reach is bounded and rate-limited per address
(``limits``) and never shows full personal data."""
