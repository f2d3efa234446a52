"""The bad-input corpus: each case a status, a code, and nothing stored."""
