"""SQL at the edge: one module per table family, each over an asyncpg pool."""
