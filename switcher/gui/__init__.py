"""Qt front end. Talks to AWS only through switcher.core."""
