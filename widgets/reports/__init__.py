"""The Qt layer of reports: PDF rendering (QTextDocument + QPdfWriter)."""
