"""Exports of the annual tables and the audit report: CSV, XLSX (laid out like the official tables), HTML."""
