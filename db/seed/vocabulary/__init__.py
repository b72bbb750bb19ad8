"""Hand-written word lists the seed draws from: names, places, organisations, taxonomy, careers."""
