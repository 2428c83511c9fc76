"""What every layer uses and that knows nothing of the model: the one-line input error (:mod:`.errors`) and TOML
files read and checked, with the one "did you mean" hint (:mod:`.tomlcheck`); the one way a kernel is compiled
(:mod:`.jit`)."""
