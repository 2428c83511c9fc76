"""A scenario on either engine into a results folder (:mod:`.runner`), after checking the memory and disk it needs
(:mod:`.budget`)."""
