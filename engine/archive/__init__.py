"""The archive package (归档包, 条例 art 45): a frozen, self-verifying case file as one ZIP."""
