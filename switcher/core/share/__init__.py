"""Sharing targets with people and tools: Switch Role links, ESR and ~/.aws/config import and export."""
