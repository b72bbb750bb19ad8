"""Data-export loaders: rows by id, only the viewer's own (the declaration's rule)."""





