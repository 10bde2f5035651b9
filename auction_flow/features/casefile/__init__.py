"""The case file: parties and their roles, the papers each step issues (numbered, rendered from DOCX
templates, stored content-addressed, their hash on the asset's chain), scans attached to assets, and
search over assets and parties that ignores diacritics and case."""
