"""Tables: CSV, TXT and Excel exports read as they are, their columns guessed, their rows made events."""
