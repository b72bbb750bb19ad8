"""Schema extensions: checks before execution and error handling after it."""
