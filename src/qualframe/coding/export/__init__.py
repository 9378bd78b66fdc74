"""Writers for Word, Excel, CSV and Markdown (pure functions over plain data)."""
