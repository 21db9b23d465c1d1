"""One module per screen, each with its own `.tcss` beside it."""
