"""The session engine: pure Python, no UI. Screens call it; it never calls them."""
