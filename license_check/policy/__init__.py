"""Policy: the user's rules (use mode, thresholds, waivers, clarifications) applied to the judgement."""
