"""One module per command group; each builds its own Typer app."""
