"""1C:Enterprise sources: the registration journal (lgf/lgp, lgd, XML) and document lists linked into cases."""
