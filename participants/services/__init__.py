"""Writes for participants, split by concept: checkin, registration, matching, merging, imports, exports."""
