"""Domain questions on the graph: kinship, thalassemia, migration, eligibility. No HTTP here."""
