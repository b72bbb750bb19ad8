"""Root fields, one module per domain; thin: decode input, call a service, map the result."""
