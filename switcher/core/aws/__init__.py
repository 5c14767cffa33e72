"""AWS callers: STS through botocore, base credentials, console sign-in."""
