"""Design: experiment files and their design points (:mod:`.experiment`), the samplers of ranged axes
(:mod:`.samplers`)."""
