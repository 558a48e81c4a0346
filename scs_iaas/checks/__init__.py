"""One module per standard: snapshot (or host facts) in, findings out."""
