"""The polling engine: scheduling, confirmation and flap handling, batched recording."""
