"""The Qt side of the post-mortem: the chart image, the how-soon strip and table, export."""
