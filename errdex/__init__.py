"""errdex: a searchable, bilingual static reference site for cloud API error codes."""
