"""The pure centre of brigade: aggregates, commands, errors and the application."""
