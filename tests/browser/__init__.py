"""Browser tests of the command centre (Playwright driving Debian's chromium)."""
