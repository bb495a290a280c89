"""The synthetic province: a ground-truth population and its department feeds."""
