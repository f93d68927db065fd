"""Click-guided ("AI clicks") networks: the click encoding shared with the engine, the simulated
user of the standard protocol, iterative training (RITM / DeepEdit style), NoC evaluation and export."""
