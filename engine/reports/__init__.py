"""The annual report tables (国办公开办函〔2021〕30号) computed from the applications."""
