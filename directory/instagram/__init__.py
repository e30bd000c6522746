"""The city's Instagram archive -> drafts staff review and publish (docs/staff.md).

archive.py reads the files without trusting them, extract.py turns a caption into draft
fields with where each came from, drafts.py keeps the drafts and publishes them through
the staff write path.
"""
