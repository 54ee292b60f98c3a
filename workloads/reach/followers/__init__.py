"""Follower authenticity: scores a creator's followers as real, weak fake or fake from their handle
and display name. `scorer` is the pure five-feature scorer (with `transliteration` for the Indic
scripts and `names` for the first-name list); `shard` runs one shard of an analysis against
ClickHouse; `reach followers score` (one Kubernetes Job pod per shard) calls it."""
