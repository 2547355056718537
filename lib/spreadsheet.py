"""Text for spreadsheets (CSV and XLSX exports)."""


def cell(text: str) -> str:
    """Typed text for a spreadsheet: a leading = + - @ would run as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
