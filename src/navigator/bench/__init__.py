"""The performance benchmark and the synthetic national directories it measures."""
